import OverdueCore

/// The words code puts into a letter, in the letter's language: stage and
/// channel names, day and invoice counts, opt-out lines. Templates hold the
/// sentences; these are the pieces whose form depends on data (a count's
/// plural, a stage's name), which Mustache cannot decide.
enum LetterWords {
    /// CLDR cardinal plural category, for the languages with bundled templates.
    enum Plural { case one, other }

    /// en, de: "one" is exactly 1; fr: 0 and 1 (CLDR's `i = 0,1`).
    static func plural(_ count: Int, language: String) -> Plural {
        switch language {
        case "fr": (count == 0 || count == 1) ? .one : .other
        default: count == 1 ? .one : .other
        }
    }

    /// "3 days overdue", "1 Tag überfällig", "1 jour de retard"; "due today"
    /// or "not yet due" for the rest.
    static func daysOverdue(_ days: Int, language: String) -> String {
        if days < 0 {
            return switch language {
            case "de": "noch nicht fällig"
            case "fr": "pas encore échue"
            default: "not yet due"
            }
        }
        if days == 0 {
            return switch language {
            case "de": "heute fällig"
            case "fr": "échéance aujourd’hui"
            default: "due today"
            }
        }
        let one = plural(days, language: language) == .one
        return switch language {
        case "de": one ? "\(days) Tag überfällig" : "\(days) Tage überfällig"
        case "fr": one ? "\(days) jour de retard" : "\(days) jours de retard"
        default: one ? "\(days) day overdue" : "\(days) days overdue"
        }
    }

    /// "1 invoice", "3 Rechnungen", "2 factures" (installments count as items).
    static func invoiceCount(_ count: Int, language: String) -> String {
        let one = plural(count, language: language) == .one
        return switch language {
        case "de": one ? "\(count) Rechnung" : "\(count) Rechnungen"
        case "fr": one ? "\(count) facture" : "\(count) factures"
        default: one ? "\(count) invoice" : "\(count) invoices"
        }
    }

    /// How letters name the bundled stages; `Stage.label` overrides.
    static let stageLabels: [String: [String: String]] = [
        "courtesy": ["en": "courtesy reminder", "de": "Zahlungshinweis", "fr": "avis d’échéance"],
        "overdue": ["en": "payment reminder", "de": "Zahlungserinnerung", "fr": "rappel"],
        "firm": ["en": "second reminder", "de": "Mahnung", "fr": "relance"],
        "final": ["en": "final demand", "de": "letzte Mahnung", "fr": "mise en demeure"],
        "thanks": ["en": "payment confirmation", "de": "Zahlungsbestätigung", "fr": "confirmation de paiement"],
        "broken_promise": ["en": "reminder of your promise to pay", "de": "Erinnerung an Ihre Zahlungszusage",
                           "fr": "rappel de votre engagement de paiement"],
    ]

    /// The stage's name for the debtor: its configured label, else the
    /// built-in one, else a generic "reminder" (`overdue check` reports a
    /// custom stage without a label in a served language, so this last
    /// resort never shows the internal name).
    static func stageLabel(_ name: String, policy: Policy, language: String, brandLanguage: String) -> String {
        if let stage = policy.stages.first(where: { $0.name == name }),
           let text = stage.label.text(for: language, fallbackLanguage: brandLanguage) {
            return text
        }
        if let builtIn = stageLabels[name]?[language] { return builtIn }
        return switch language {
        case "de": "Erinnerung"
        case "fr": "rappel"
        default: "reminder"
        }
    }

    /// How a channel is named in a sentence ("by e-mail").
    static func channelName(_ channel: Channel, language: String) -> String {
        switch (channel, language) {
        case (.email, "de"): "E-Mail"
        case (.email, "fr"): "courriel"
        case (.sms, "de"), (.sms, "fr"): "SMS"
        case (.webhook, "de"): "Buchhaltungssystem"
        case (.webhook, "fr"): "système comptable"
        case (.call, "de"): "Telefon"
        case (.call, "fr"): "téléphone"
        case (.call, _): "phone"
        case (.email, _): "e-mail"
        case (.sms, _): "text message"
        case (.webhook, _): "account system"
        }
    }

    static func optOutEmail(language: String, address: String) -> String {
        switch language {
        case "de": "Wenn Sie keine Zahlungserinnerungen per E-Mail mehr erhalten möchten, antworten Sie mit „abmelden“ an \(address)."
        case "fr": "Pour ne plus recevoir de rappels par courriel, répondez «\u{202F}désinscription\u{202F}» à \(address)."
        default: "To stop payment reminders by e-mail, reply with \"unsubscribe\" to \(address)."
        }
    }

    /// Kept in GSM-7 (no "ê"), so an SMS is not sent as costlier UCS-2.
    static func optOutSMS(language: String) -> String {
        switch language {
        case "de": "STOP zum Abmelden"
        case "fr": "STOP pour arreter"
        default: "Reply STOP to opt out"
        }
    }
}
