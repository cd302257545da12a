import OverdueCore

/// One language's code-made words. `{n}` is a count, `{name}` the contact
/// person, `{address}` the opt-out mailbox. Plural forms are keyed by CLDR
/// category; a language lists only the categories it has.
struct Words: Sendable {
    var notYetDue: String
    var dueToday: String
    var days: [LetterWords.Plural: String]
    var invoices: [LetterWords.Plural: String]
    var stageLabels: [String: String]
    /// A stage with neither a label nor a built-in one.
    var genericStage: String
    /// As the earlier-reminders list puts it after its preposition ("by e-mail").
    var channels: [Channel: String]
    var optOutEmail: String
    var optOutSMS: String
    var salutationNamed: String
    var salutationNeutral: String
    var salutationNeutralByRegion: [String: String] = [:]

    /// The bundled languages. The opt-out word each e-mail footer asks for
    /// must be one `ReplyRules.unsubscribeWords` recognises.
    static let all: [String: Words] = [
        "en": Words(
            notYetDue: "not yet due", dueToday: "due today",
            days: [.one: "{n} day overdue", .other: "{n} days overdue"],
            invoices: [.one: "{n} invoice", .other: "{n} invoices"],
            stageLabels: ["courtesy": "courtesy reminder", "overdue": "payment reminder", "firm": "second reminder",
                          "final": "final demand", "thanks": "payment confirmation",
                          "broken_promise": "reminder of your promise to pay"],
            genericStage: "reminder",
            channels: [.email: "e-mail", .sms: "text message", .webhook: "account system", .call: "phone"],
            optOutEmail: "To stop payment reminders by e-mail, reply with \"unsubscribe\" to {address}.",
            optOutSMS: "Reply STOP to opt out",
            salutationNamed: "Dear {name},",
            // A British, Irish or Australian credit controller writing to a
            // company's accounts department; "Dear Customer," is what US
            // collection letters say where the reader is unknown ("Dear Sir
            // or Madam" reads dated there, "To whom it may concern" cold).
            salutationNeutral: "Dear Sir or Madam,", salutationNeutralByRegion: ["US": "Dear Customer,"]),
        "de": Words(
            notYetDue: "noch nicht fällig", dueToday: "heute fällig",
            days: [.one: "{n} Tag überfällig", .other: "{n} Tage überfällig"],
            invoices: [.one: "{n} Rechnung", .other: "{n} Rechnungen"],
            stageLabels: ["courtesy": "Zahlungshinweis", "overdue": "Zahlungserinnerung", "firm": "Mahnung",
                          "final": "letzte Mahnung", "thanks": "Zahlungsbestätigung",
                          "broken_promise": "Erinnerung an Ihre Zahlungszusage"],
            genericStage: "Erinnerung",
            channels: [.email: "E-Mail", .sms: "SMS", .webhook: "Buchhaltungssystem", .call: "Telefon"],
            optOutEmail: "Wenn Sie keine Zahlungserinnerungen per E-Mail mehr erhalten möchten, antworten Sie mit „abmelden“ an {address}.",
            optOutSMS: "STOP zum Abmelden",
            salutationNamed: "Guten Tag {name},", salutationNeutral: "Sehr geehrte Damen und Herren,"),
        "fr": Words(
            notYetDue: "pas encore échue", dueToday: "échéance aujourd’hui",
            days: [.one: "{n} jour de retard", .other: "{n} jours de retard"],
            invoices: [.one: "{n} facture", .other: "{n} factures"],
            stageLabels: ["courtesy": "avis d’échéance", "overdue": "rappel", "firm": "relance", "final": "mise en demeure",
                          "thanks": "confirmation de paiement", "broken_promise": "rappel de votre engagement de paiement"],
            genericStage: "rappel",
            channels: [.email: "courriel", .sms: "SMS", .webhook: "système comptable", .call: "téléphone"],
            optOutEmail: "Pour ne plus recevoir de rappels par courriel, répondez «\u{202F}désinscription\u{202F}» à {address}.",
            optOutSMS: "STOP pour arreter",
            salutationNamed: "Bonjour {name},", salutationNeutral: "Madame, Monsieur,"),
        // The bodies address the reader as usted (singular): "Estimado
        // cliente:" agrees with it, where "Estimados señores:" would want
        // ustedes. Spanish letters put a colon after the salutation.
        "es": Words(
            notYetDue: "aún no vencida", dueToday: "vence hoy",
            days: [.one: "{n} día de retraso", .other: "{n} días de retraso"],
            invoices: [.one: "{n} factura", .other: "{n} facturas"],
            stageLabels: ["courtesy": "aviso de vencimiento", "overdue": "recordatorio de pago", "firm": "segundo recordatorio",
                          "final": "requerimiento final de pago", "thanks": "confirmación de pago",
                          "broken_promise": "recordatorio de su compromiso de pago"],
            genericStage: "recordatorio",
            channels: [.email: "correo electrónico", .sms: "SMS", .webhook: "sistema contable", .call: "teléfono"],
            optOutEmail: "Si no desea recibir más recordatorios de pago por correo electrónico, responda «baja» a {address}.",
            optOutSMS: "Responda STOP para darse de baja",
            salutationNamed: "Buenos días, {name}:", salutationNeutral: "Estimado cliente:"),
        // Lei throughout; "Gentile" is the same for a woman and a man, and
        // "Gentile Cliente," is how Italian reminders open without a name.
        "it": Words(
            notYetDue: "non ancora scaduta", dueToday: "scade oggi",
            days: [.one: "{n} giorno di ritardo", .other: "{n} giorni di ritardo"],
            invoices: [.one: "{n} fattura", .other: "{n} fatture"],
            stageLabels: ["courtesy": "avviso di scadenza", "overdue": "sollecito di pagamento", "firm": "secondo sollecito",
                          "final": "diffida ad adempiere", "thanks": "conferma di pagamento",
                          "broken_promise": "promemoria del Suo impegno di pagamento"],
            genericStage: "sollecito",
            channels: [.email: "e-mail", .sms: "SMS", .webhook: "sistema contabile", .call: "telefono"],
            optOutEmail: "Se non desidera più ricevere solleciti di pagamento via e-mail, risponda «cancellami» a {address}.",
            optOutSMS: "STOP per non ricevere altri SMS",
            salutationNamed: "Gentile {name},", salutationNeutral: "Gentile Cliente,"),
        "nl": Words(
            notYetDue: "nog niet vervallen", dueToday: "vervalt vandaag",
            days: [.one: "{n} dag te laat", .other: "{n} dagen te laat"],
            invoices: [.one: "{n} factuur", .other: "{n} facturen"],
            stageLabels: ["courtesy": "vriendelijke herinnering", "overdue": "betalingsherinnering", "firm": "aanmaning",
                          "final": "laatste aanmaning", "thanks": "betalingsbevestiging",
                          "broken_promise": "herinnering aan uw betalingsafspraak"],
            genericStage: "herinnering",
            channels: [.email: "e-mail", .sms: "sms", .webhook: "boekhoudsysteem", .call: "telefoon"],
            optOutEmail: "Wilt u geen betalingsherinneringen per e-mail meer ontvangen? Antwoord dan met ‘afmelden’ aan {address}.",
            optOutSMS: "Stuur STOP om af te melden",
            salutationNamed: "Geachte {name},", salutationNeutral: "Geachte heer, mevrouw,"),
        // Polish addresses a person in the vocative with Pan/Pani, so it needs
        // the gender; "Dzień dobry, Anna Keller," in the nominative reads as a
        // mail merge. With a contact the letter says the neutral, friendly
        // "Dzień dobry,"; without one "Szanowni Państwo,", which also matches
        // the Państwo the bodies use. A customer's `salutation` can say
        // "Szanowna Pani Anno,".
        "pl": Words(
            notYetDue: "przed terminem płatności", dueToday: "termin płatności dziś",
            days: [.one: "{n} dzień po terminie", .few: "{n} dni po terminie", .many: "{n} dni po terminie"],
            invoices: [.one: "{n} faktura", .few: "{n} faktury", .many: "{n} faktur"],
            stageLabels: ["courtesy": "przypomnienie o terminie płatności", "overdue": "przypomnienie o płatności",
                          "firm": "wezwanie do zapłaty", "final": "ostateczne wezwanie do zapłaty",
                          "thanks": "potwierdzenie płatności", "broken_promise": "przypomnienie o deklaracji zapłaty"],
            genericStage: "przypomnienie",
            channels: [.email: "e-mail", .sms: "SMS", .webhook: "system księgowy", .call: "telefon"],
            optOutEmail: "Jeśli nie chcą Państwo otrzymywać przypomnień o płatnościach e-mailem, prosimy odpowiedzieć „wypisz” na adres {address}.",
            // Polish SMS are written without diacritics to stay in GSM-7.
            optOutSMS: "STOP - rezygnacja z SMS",
            salutationNamed: "Dzień dobry,", salutationNeutral: "Szanowni Państwo,"),
        // European Portuguese (fatura, indemnização), third person formal
        // (V. Ex.ª); "Exmo.(a) Sr.(a)" is the written form that leaves the
        // gender open, "Estimado Cliente," agrees with the singular body.
        "pt": Words(
            notYetDue: "ainda não vencida", dueToday: "vence hoje",
            days: [.one: "{n} dia de atraso", .other: "{n} dias de atraso"],
            invoices: [.one: "{n} fatura", .other: "{n} faturas"],
            stageLabels: ["courtesy": "aviso de vencimento", "overdue": "lembrete de pagamento", "firm": "segundo aviso",
                          "final": "interpelação final para pagamento", "thanks": "confirmação de pagamento",
                          "broken_promise": "lembrete do compromisso de pagamento"],
            genericStage: "lembrete",
            channels: [.email: "e-mail", .sms: "SMS", .webhook: "sistema de contabilidade", .call: "telefone"],
            optOutEmail: "Para deixar de receber lembretes de pagamento por e-mail, responda «cancelar» para {address}.",
            optOutSMS: "STOP para cancelar",
            salutationNamed: "Exmo.(a) Sr.(a) {name},", salutationNeutral: "Estimado Cliente,"),
    ]
}
