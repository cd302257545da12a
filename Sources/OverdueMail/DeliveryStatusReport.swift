/// The fields of a message/delivery-status part (RFC 3464 §2): one
/// per-message group (Reporting-MTA, Arrival-Date, ...) and one group per
/// recipient (Final-Recipient, Action, Status, Diagnostic-Code, ...).
public struct DeliveryStatusReport: Sendable, Equatable {
    public var perMessage: MIMEHeaders
    public var perRecipient: [MIMEHeaders]

    /// Groups are separated by empty lines. A group naming a recipient
    /// (Final-Recipient or Original-Recipient) is a per-recipient group;
    /// a group before them that names none is the per-message group;
    /// anything else (a header block some MTAs leak into the part when
    /// their boundary is wrong) is ignored.
    public init(parsing body: [UInt8]) {
        perMessage = MIMEHeaders()
        perRecipient = []
        var sawPerMessage = false
        var rest = body[...]
        while !rest.isEmpty {
            while let first = rest.first, first == 0x0A || first == 0x0D || first == 0x20 || first == 0x09 {
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty else { break }
            let (group, next) = MIMEHeaders.parse(rest)
            if next == rest.startIndex {
                // Not a field: skip the line so the loop always advances.
                rest = rest[(rest.firstIndex(of: 0x0A).map { $0 + 1 } ?? rest.endIndex)...]
                continue
            }
            rest = rest[next...]
            if group.fields.isEmpty { continue }
            if group["Final-Recipient"] != nil || group["Original-Recipient"] != nil {
                perRecipient.append(group)
            } else if !sawPerMessage, perRecipient.isEmpty {
                perMessage = group
                sawPerMessage = true
            }
        }
    }

    /// "rfc822; a@b" → "a@b" (the address-type prefix of RFC 3464 §2.3.2,
    /// and the "smtp;" diagnostic-type of §2.3.6).
    public static func typedValue(_ value: String?) -> (type: String?, value: String)? {
        guard let value else { return nil }
        guard let semicolon = value.firstIndex(of: ";") else { return (nil, value.trimmingASCIIWhitespace()) }
        let type = value[..<semicolon].trimmingASCIIWhitespace()
        // A value that merely contains ";" (no type before it) is taken whole.
        guard !type.isEmpty, !type.contains(" ") else { return (nil, value.trimmingASCIIWhitespace()) }
        return (type.lowercased(), value[value.index(after: semicolon)...].trimmingASCIIWhitespace())
    }
}
