import Foundation

/// The inbox records of the controls: customer records (the directory) and
/// approval decisions. Read by `RecordDecoder`, written back by
/// `RecordEncoder` for the ledger journal, the same round trip as invoices.
extension RecordDecoder {
    static let customerRecordFields: Set<String> = [
        "record", "id", "name", "email", "cc", "phone", "contact", "salutation", "language", "timezone", "country", "vat_id", "policy",
        "exclude", "note", "consumer", "ibans", "reference_scheme",
    ]

    /// `{"record": "customer", …}`; the only kind of "record" so far.
    func decodeRecord(_ reader: inout FieldReader) -> InboxRecord? {
        guard let kind = reader.string("record") else { return nil }
        guard kind == "customer" else {
            reader.problems.append(FieldProblem(
                field: "record", reason: "\"\(FieldRules.printable(kind))\" is not a record type; use \"customer\" for a customer of the directory"))
            return nil
        }
        reader.rejectUnknown(allowed: Self.customerRecordFields)
        let id = reader.identifier("id")
        let name = reader.optional("name") { FieldRules.text($0) }
        let details = reader.contactFields()
        let cc = reader.addressList("cc")
        let policy = reader.optional("policy", FieldRules.identifier)
        let exclude = reader.flag("exclude")
        let consumer = reader.flag("consumer")
        let note = reader.optional("note") { FieldRules.text($0, maxLength: 1000) }
        let ibans = reader.ibanList("ibans")
        let scheme = reader.optional("reference_scheme") { value in
            NationalReference(rawValue: value.lowercased()) == nil
                ? "\"\(FieldRules.printable(value))\" is not a reference scheme overdue knows; use be, fi, no or ch (RF references need none)" : nil
        }
        guard let id, reader.problems.isEmpty else { return nil }
        var record = CustomerRecord(id: id, name: name, email: details.email, cc: cc, phone: details.phone,
                                    contact: details.contact, language: details.language, timezone: details.timezone,
                                    country: details.country, vatID: details.vatID, policy: policy,
                                    exclude: exclude ?? false, note: note, consumer: consumer ?? false,
                                    salutation: details.salutation)
        record.ibans = ibans
        record.referenceScheme = scheme.flatMap { NationalReference(rawValue: $0.lowercased()) }
        return .customer(record)
    }

    /// `approve` and `hold`: decisions on a message waiting for approval.
    func decodeApproval(_ reader: inout FieldReader, kind: String) -> InboxRecord? {
        reader.rejectUnknown(allowed: kind == "hold" ? ["event", "key", "reason"] : ["event", "key"])
        let key = reader.required("key", FieldRules.deliveryKey)
        let reason = kind == "hold" ? reader.required("reason") { FieldRules.text($0, maxLength: 500) } : nil
        guard let key, reader.problems.isEmpty else { return nil }
        return .approval(kind == "hold" ? .hold(key: key, reason: reason ?? "") : .approve(key: key))
    }
}

extension FieldRules {
    /// An IBAN (ISO 13616), compact: country letters, check digits, and the
    /// account; the mod 97 check catches a mistyped character.
    public static func iban(_ compact: String) -> String? {
        switch IBAN.problem(compact) {
        case .notAnIBAN: "\"\(printable(compact))\" is not an IBAN; write it as the bank statement shows it, e.g. DE89 3704 0044 0532 0130 00"
        case .checkDigits: "\"\(printable(compact))\" fails the IBAN check digits (mod 97): a character is mistyped"
        case nil: nil
        }
    }

    /// A delivery key as `overdue log` and `overdue pending` show it: "od1-" and 32 hex digits.
    public static func deliveryKey(_ value: String) -> String? {
        value.hasPrefix("od1-") && value.count == 36 && value.dropFirst(4).allSatisfy(\.isHexDigit)
            ? nil : "\"\(printable(value))\" is not a delivery key; copy one from `overdue pending` or `overdue log` (od1- and 32 hex digits)"
    }

    /// A VAT id: a country prefix and up to 14 letters or digits; spaces,
    /// dots and dashes as written on invoices are allowed.
    public static func vatID(_ value: String) -> String? {
        let plain = CustomerRecord.normalizeVAT(value)
        let allowed = value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " .-".contains($0)) }
        return allowed && (4...16).contains(plain.count) && plain.prefix(2).allSatisfy(\.isLetter)
            ? nil : "\"\(printable(value))\" is not a VAT id; write it with its country prefix, e.g. DE136695976"
    }
}

extension FieldReader {
    /// A list of e-mail addresses: a JSON array of strings, or in CSV one
    /// cell with the addresses separated by ";" (or ",").
    mutating func addressList(_ key: String) -> [String] {
        let items: [String]
        switch object[key] {
        case nil, .null: return []
        case .string(let text):
            items = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        case .array(let values):
            var texts: [String] = []
            for (index, value) in values.enumerated() {
                guard case .string(let text) = value else {
                    problems.append(FieldProblem(field: path("\(key)[\(index + 1)]"), reason: "must be an e-mail address as text"))
                    continue
                }
                texts.append(text)
            }
            items = texts
        case .some(let other):
            problems.append(FieldProblem(field: path(key), reason: "must be a list of e-mail addresses such as [\"controller@acme.example\"]; found \(other.kindName)"))
            return []
        }
        var seen = Set<String>()
        var addresses: [String] = []
        for (index, address) in items.enumerated() {
            if let problem = FieldRules.email(address) {
                problems.append(FieldProblem(field: path("\(key)[\(index + 1)]"), reason: problem))
            } else if seen.insert(address.lowercased()).inserted {
                addresses.append(address)
            }
        }
        return addresses
    }

    /// The IBANs a debtor pays from: a JSON array, or in CSV one cell
    /// separated by ";" or ","; each checked (mod 97) and kept compact, upper case.
    mutating func ibanList(_ key: String) -> [String] {
        let items: [String]
        switch object[key] {
        case nil, .null: return []
        case .string(let text): items = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map(String.init)
        case .array(let values): items = values.map { if case .string(let text) = $0 { text } else { "" } }
        case .some(let other):
            problems.append(FieldProblem(field: path(key), reason: "must be a list of IBANs such as [\"DE89 3704 0044 0532 0130 00\"]; found \(other.kindName)"))
            return []
        }
        var ibans: [String] = []
        for (index, item) in items.enumerated() {
            let compact = String(item.filter { !$0.isWhitespace }).uppercased()
            if let problem = FieldRules.iban(compact) {
                problems.append(FieldProblem(field: path("\(key)[\(index + 1)]"), reason: problem))
            } else if !ibans.contains(compact) {
                ibans.append(compact)
            }
        }
        return ibans
    }

    /// true/false as JSON, or in CSV "true", "false", "yes", "no", "1", "0"; nil when absent.
    mutating func flag(_ key: String) -> Bool? {
        switch object[key] {
        case nil, .null: return nil
        case .bool(let value): return value
        case .string(let text) where text.isEmpty: return nil
        case .string(let text):
            switch text.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: break
            }
        case .number(let number) where number == 0 || number == 1: return number == 1
        default: break
        }
        problems.append(FieldProblem(field: path(key), reason: "must be true or false"))
        return nil
    }
}

extension RecordEncoder {
    public static func object(_ record: CustomerRecord) -> [String: JSONValue] {
        var object = ContactFields(record).json
        object["record"] = .string("customer")
        object["id"] = .string(record.id)
        object["name"] = record.name.map(JSONValue.string)
        if !record.cc.isEmpty { object["cc"] = .array(record.cc.map(JSONValue.string)) }
        object["policy"] = record.policy.map(JSONValue.string)
        if record.exclude { object["exclude"] = .bool(true) }
        if record.consumer { object["consumer"] = .bool(true) }
        object["note"] = record.note.map(JSONValue.string)
        if !record.ibans.isEmpty { object["ibans"] = .array(record.ibans.map(JSONValue.string)) }
        object["reference_scheme"] = record.referenceScheme.map { .string($0.rawValue) }
        return object
    }

    public static func object(_ decision: ApprovalDecision) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["event": .string(decision.name), "key": .string(decision.key)]
        if case .hold(_, let reason) = decision { object["reason"] = .string(reason) }
        return object
    }
}

/// The contact fields a customer has on an invoice (`customer.…`) and in
/// the directory, read and written the same way in both places.
struct ContactFields {
    var email, phone, contact, language, timezone, country, vatID, salutation: String?

    init(email: String? = nil, phone: String? = nil, contact: String? = nil, language: String? = nil, timezone: String? = nil,
         country: String? = nil, vatID: String? = nil, salutation: String? = nil) {
        (self.email, self.phone, self.contact, self.language) = (email, phone, contact, language)
        (self.timezone, self.country, self.vatID, self.salutation) = (timezone, country, vatID, salutation)
    }

    init(_ customer: Customer) {
        self.init(email: customer.email, phone: customer.phone, contact: customer.contact, language: customer.language,
                  timezone: customer.timezone, country: customer.country, vatID: customer.vatID, salutation: customer.salutation)
    }

    init(_ record: CustomerRecord) {
        self.init(email: record.email, phone: record.phone, contact: record.contact, language: record.language,
                  timezone: record.timezone, country: record.country, vatID: record.vatID, salutation: record.salutation)
    }

    /// The fields that are present, in the inbox format.
    var json: [String: JSONValue] {
        let pairs = [("email", email), ("phone", phone), ("contact", contact), ("language", language), ("timezone", timezone),
                     ("country", country), ("vat_id", vatID), ("salutation", salutation)]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, value in value.map { (key, JSONValue.string($0)) } })
    }
}

extension FieldReader {
    /// email, phone, contact, language, timezone, country, vat_id and salutation, each checked.
    mutating func contactFields() -> ContactFields {
        ContactFields(email: optional("email", FieldRules.email), phone: optional("phone", FieldRules.phone),
                      contact: optional("contact") { FieldRules.text($0) }, language: optional("language", FieldRules.language),
                      timezone: optional("timezone", FieldRules.timezone), country: optional("country", FieldRules.country),
                      vatID: optional("vat_id", FieldRules.vatID),
                      salutation: optional("salutation") { FieldRules.text($0, maxLength: 200) })
    }
}
