import Foundation

/// The country of each IANA timezone, from the tz database's `zone.tab`
/// (Debian's tzdata): "Europe/Dublin" → "IE". A debtor without
/// `customer.country` is placed by their timezone, which decides the
/// letter's locale (en-IE dates, not US ones) and whether statutory charges
/// apply. Foundation has no such table, so it is read from the system's.
public enum ZoneCountries {
    public static let path = "/usr/share/zoneinfo/zone.tab"

    /// Read once; empty when the file is missing (then no country is derived
    /// and the log says so where it matters).
    public static let table: [String: String] = load(path)

    static func load(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var table: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t")
            if columns.count >= 3 { table[String(columns[2])] = String(columns[0]) }
        }
        return table
    }
}
