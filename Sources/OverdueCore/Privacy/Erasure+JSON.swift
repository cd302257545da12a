import Foundation

extension Erasure {
    /// Fields whose values are the record that stays (invoice numbers,
    /// keys, digests, dates, amounts): never scrubbed, so a name that happens
    /// to be part of an invoice number cannot take the number with it.
    static let keptFields: Set<String> = [
        "invoice", "invoices", "also_demanded", "also_open", "items", "key", "commit", "sha256", "digest", "time", "date",
        "due", "issued", "amount", "balance", "currency", "next", "first", "pay_by", "total_due", "installments", "stage",
        "channel", "event", "type", "status", "code", "record",
    ]
    /// Free text about whoever the line concerns.
    static let freeTextFields: Set<String> = ["reason", "note", "evidence", "subject"]

    /// Whether a journal or log line is about this customer: its customer,
    /// one of its invoices or deliveries, or one of its addresses.
    public func concerns(_ object: [String: JSONValue]) -> Bool {
        func isMine(_ value: JSONValue?) -> Bool {
            switch value {
            case .string(let text): ids.contains(text) || invoices.contains(text) || keys.contains(text) || isForgotten(address: text)
            case .array(let items): items.contains { isMine($0) }
            case .object(let members): isMine(members["invoice"]) || isMine(members["id"])
            default: false
            }
        }
        for field in ["customer", "customers", "invoice", "invoices", "also_demanded", "also_open", "items", "key", "address",
                      "recipient", "copy_to", "cc"] where isMine(object[field]) {
            return true
        }
        return object["record"] == .string("customer") && isMine(object["id"])
    }

    /// A log or delivery journal line with the customer erased: its ids
    /// become the tombstone, its free text `[forgotten …]`, and every other
    /// string is scrubbed of names and addresses (a bounce's diagnostic
    /// quotes the address). Lines about others lose only those values.
    public func scrubLine(_ object: [String: JSONValue], with scrubber: TextScrubber) -> [String: JSONValue] {
        var out = object
        if concerns(object) {
            for field in Self.freeTextFields {
                // A reason made of a code (`excluded`, `below_min_amount`) says nothing about the person.
                guard case .string(let text)? = out[field], !Self.isCode(text) else { continue }
                out[field] = .string(freeText)
            }
        }
        for (field, value) in out where !Self.keptFields.contains(field) {
            out[field] = scrubValue(value, with: scrubber)
        }
        return out
    }

    /// Ids become the tombstone; other strings are scrubbed.
    public func scrubValue(_ value: JSONValue, with scrubber: TextScrubber) -> JSONValue {
        switch value {
        case .string(let text):
            if ids.contains(text) { return .string(tombstone) }
            return .string(scrubber.scrub(text))
        case .array(let items): return .array(items.map { scrubValue($0, with: scrubber) })
        case .object(let members):
            var out = members
            for (field, member) in members where !Self.keptFields.contains(field) { out[field] = scrubValue(member, with: scrubber) }
            return .object(out)
        default: return value
        }
    }

    /// A ledger journal record (its `data`, in the inbox format) with the
    /// customer erased, still a record the inbox decoder accepts; nil when
    /// the record is only about a forgotten address (an opt-out, opt-in or
    /// bounce of it: with the address gone from every invoice it stops
    /// nothing, and keeping it would keep the address).
    public func scrubRecord(_ data: [String: JSONValue], with scrubber: TextScrubber) -> [String: JSONValue]? {
        let event = data["event"].flatMap { if case .string(let name) = $0 { name } else { nil } }
        if let event, ["optout", "optin", "bounce"].contains(event),
           case .string(let address)? = data["address"], isForgotten(address: address) {
            return nil
        }
        var out = data
        if data["record"] == .string("customer"), case .string(let id)? = data["id"], ids.contains(id) {
            // The tombstone's directory record: excluded, so nothing is ever
            // planned for it, with the choices that name no one.
            out = keptRecordFields.merging([
                "record": .string("customer"), "id": .string(tombstone), "name": .string(tombstone),
                "exclude": .bool(true), "note": .string(freeText),
            ]) { _, new in new }
            return out
        }
        if event == nil, case .object(let customer)? = data["customer"], concerns(data) {
            var kept: [String: JSONValue] = ["id": .string(tombstone), "name": .string(tombstone)]
            for field in ["language", "timezone", "country"] { kept[field] = customer[field] }
            out["customer"] = .object(kept)
            // A payment link may carry the debtor's name or e-mail in its query.
            out["payment_url"] = nil
            return scrubLine(out, with: scrubber)
        }
        if event == "feedback", concerns(data) {
            out["address"] = nil
        }
        return scrubLine(out, with: scrubber)
    }

    /// The free text of a line about the customer, to look for elsewhere
    /// (a `called` note is in the journal and the archived file only).
    /// Only what a person wrote about the customer: a dispute's reason, a
    /// call's note, a hold's reason, the directory's note. (A cancel reason
    /// such as "credit note issued" is the business's wording, shared by
    /// many customers; looking for it elsewhere would erase theirs.)
    public mutating func noteFreeTexts(of record: [String: JSONValue]) {
        guard concerns(record) else { return }
        let personal: [JSONValue] = [.string("dispute"), .string("called"), .string("hold")]
        guard personal.contains(record["event"] ?? .null) || record["record"] == .string("customer") else { return }
        for field in ["reason", "note"] {
            if case .string(let text)? = record[field], !Self.isCode(text) { noteFreeText(text) }
        }
    }

    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
