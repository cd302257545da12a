import Foundation
@testable import OverdueCore
import Testing

/// Every zone of the system's tz database is a valid `customer.timezone`
/// (Foundation's own list lacks current names such as Asia/Kolkata);
/// abbreviations and fixed offsets are not.
@Suite("customer.timezone: the system's tz database")
struct TimeZoneNameTests {
    /// "Area/Location" names under /usr/share/zoneinfo, links included.
    static func systemZones() -> [String] {
        let root = "/usr/share/zoneinfo/"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var names: [String] = []
        while let path = walker.nextObject() as? String {
            guard path.contains("/"), !path.hasPrefix("posix/"), !path.hasPrefix("right/"), !path.hasPrefix("Etc/"),
                  !path.hasSuffix(".tab"), !path.hasSuffix(".zi") else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                names.append(path)
            }
        }
        return names.sorted()
    }

    @Test("each of the system's Area/Location zones is accepted, and Asia/Kolkata is among them")
    func everySystemZone() {
        let zones = Self.systemZones()
        #expect(zones.count > 400, "\(zones.count) zones found under /usr/share/zoneinfo")
        #expect(zones.contains("Asia/Kolkata") && zones.contains("Asia/Calcutta") && zones.contains("Europe/Kyiv"))
        let refused = zones.filter { FieldRules.timezone($0) != nil }
        #expect(refused.isEmpty, "refused: \(refused)")
    }

    @Test("abbreviations, offsets and made-up names are refused", arguments: [
        "EST", "CET", "EST5EDT", "GMT+5", "Etc/GMT-2", "Europe/Atlantis", "europe berlin", "Japan", "posix/Europe/Berlin",
    ])
    func refused(name: String) {
        #expect(FieldRules.timezone(name) != nil, "\(name) was accepted")
    }

    @Test("an invoice for a debtor in Asia/Kolkata is accepted")
    func kolkata() {
        let outcome = RecordDecoder().decode([
            "invoice": .string("IN-1"),
            "customer": .object(["id": .string("mumbai"), "name": .string("Mumbai Traders"), "email": .string("ap@mumbai.example"),
                                 "timezone": .string("Asia/Kolkata")]),
            "issued": .string("2027-01-01"), "due": .string("2027-02-01"), "currency": .string("INR"), "amount": .string("1000.00"),
        ])
        guard case .accepted = outcome else {
            Issue.record("\(outcome)")
            return
        }
    }
}
