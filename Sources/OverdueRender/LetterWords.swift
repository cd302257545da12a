import OverdueCore

/// The words code puts into a letter, in the letter's language: stage and
/// channel names, day and invoice counts, opt-out lines, the salutation.
/// Templates hold the sentences; these are the pieces whose form depends on
/// data (a count's plural, a stage's name, whether a contact is known),
/// which Mustache cannot decide. Each language's words are one table in
/// `LetterWords+Languages.swift`.
public enum LetterWords {
    /// CLDR cardinal plural categories (only those the bundled languages use).
    enum Plural: Sendable { case one, few, many, other }

    /// CLDR cardinal rules for whole numbers (v = 0):
    /// fr: i = 0,1 → one; pl: 1 → one, 2–4 except 12–14 → few, every other → many;
    /// en, de, es, it, nl, pt (pt-PT): 1 → one. (es and it have a "many" for
    /// exact millions, "1.000.000 de facturas", that no count here reaches.)
    static func plural(_ count: Int, language: String) -> Plural {
        switch language {
        case "fr": return (count == 0 || count == 1) ? .one : .other
        case "pl":
            if count == 1 { return .one }
            let (ten, hundred) = (abs(count) % 10, abs(count) % 100)
            return (2...4).contains(ten) && !(12...14).contains(hundred) ? .few : .many
        default: return count == 1 ? .one : .other
        }
    }

    static func words(_ language: String) -> Words { Words.all[language] ?? Words.all["en"]! }

    /// The form of `forms` for `count`; a language without a separate form
    /// for a category (only Polish has few/many) uses its `other`.
    private static func pick(_ forms: [Plural: String], _ count: Int, language: String) -> String {
        let form = forms[plural(count, language: language)] ?? forms[.other] ?? ""
        return form.replacingOccurrences(of: "{n}", with: String(count))
    }

    /// "3 days overdue", "1 Tag überfällig", "5 dni po terminie"; "due today"
    /// or "not yet due" for the rest.
    static func daysOverdue(_ days: Int, language: String) -> String {
        let words = words(language)
        if days < 0 { return words.notYetDue }
        if days == 0 { return words.dueToday }
        return pick(words.days, days, language: language)
    }

    /// "1 invoice", "3 Rechnungen", "2 faktury" (installments count as items).
    static func invoiceCount(_ count: Int, language: String) -> String {
        pick(words(language).invoices, count, language: language)
    }

    /// How letters name the bundled stages (stage → language → label);
    /// `Stage.label` overrides.
    static let stageLabels: [String: [String: String]] = {
        var labels: [String: [String: String]] = [:]
        for (language, words) in Words.all {
            for (stage, label) in words.stageLabels { labels[stage, default: [:]][language] = label }
        }
        return labels
    }()

    /// The stage's name for the debtor: its configured label, else the
    /// built-in one, else a generic "reminder" (`overdue check` reports a
    /// custom stage without a label in a served language, so this last
    /// resort never shows the internal name).
    public static func stageLabel(_ name: String, policy: Policy, language: String, brandLanguage: String) -> String {
        if let stage = policy.stages.first(where: { $0.name == name }),
           let text = stage.label.text(for: language, fallbackLanguage: brandLanguage) {
            return text
        }
        return words(language).stageLabels[name] ?? words(language).genericStage
    }

    /// How a channel is named in a sentence ("by e-mail").
    static func channelName(_ channel: Channel, language: String) -> String {
        words(language).channels[channel] ?? channel.rawValue
    }

    static func optOutEmail(language: String, address: String) -> String {
        words(language).optOutEmail.replacingOccurrences(of: "{address}", with: address)
    }

    /// Kept in GSM-7 (no "ê", no Polish letters), so an SMS is not sent as
    /// costlier UCS-2.
    static func optOutSMS(language: String) -> String { words(language).optOutSMS }

    /// The letter's first line. The customer's own `salutation` wins (a
    /// credit controller who knows "Sehr geehrte Frau Keller,"). Else, with a
    /// contact person, the language's form that is personal without knowing
    /// the person's gender ("Guten Tag Anna Keller,"); with none, the form
    /// for an unnamed reader ("Sehr geehrte Damen und Herren,"). Never the
    /// company's name: "Dear Acme GmbH," reads as a mail merge.
    /// `region` picks a regional form (en-US writes "Dear Customer,").
    static func salutation(contact: String?, override: String?, language: String, region: String?) -> String {
        if let override = override.flatMap(nonBlank) { return override }
        let words = words(language)
        if let name = contact.flatMap(nonBlank) {
            return words.salutationNamed.replacingOccurrences(of: "{name}", with: name)
        }
        return region.flatMap { words.salutationNeutralByRegion[$0] } ?? words.salutationNeutral
    }

    private static func nonBlank(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
