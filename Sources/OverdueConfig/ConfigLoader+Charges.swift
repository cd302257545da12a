import Foundation
import OverdueCore

/// The charges settings: `[charges] reference_rates` (the operator's rate
/// file, merged over the bundled table) and a policy's `charges`.
extension ConfigSections {
    /// The bundled reference rates with the operator's file merged in. A
    /// file that cannot be read or parsed is a config problem naming the
    /// file and line, so `overdue check` and the daemon refuse it rather
    /// than charge at a rate nobody meant.
    func readCharges() -> (rates: ReferenceRates, file: String?) {
        guard let table = root.table("charges") else { return (.bundled, nil) }
        defer { table.finish() }
        guard let path = table.string("reference_rates", expected: "the path of a reference-rate file such as \"/etc/overdue/rates.toml\"")
        else { return (.bundled, nil) }
        let resolved = resolve(path)
        let key = table.key("reference_rates")
        guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
            table.report(key, "\(resolved) cannot be read as UTF-8 text; check the path and that the daemon's user may read it")
            return (.bundled, resolved)
        }
        do {
            let override = try ReferenceRateFile.parse(text, file: resolved)
            return (ReferenceRates.bundled.merging(override), resolved)
        } catch {
            table.report(key, "\(error)")
            return (.bundled, resolved)
        }
    }

    /// `charges = "statutory"`: the law of the debtor's country.
    func readPolicyCharges(_ table: TableReader, into policy: inout Policy) {
        let mode = table.string("charges", expected: "\"statutory\" (the debtor country's late-payment law)") {
            $0 == "statutory" ? nil : "\"\($0)\" is not a charges rule; use \"statutory\" (the debtor country's late-payment law), or leave it out and set interest_rate / compensation"
        }
        policy.statutoryCharges = mode == "statutory"
    }
}
