import OverdueConfig
import OverdueCore

/// `overdue optout list`.
public enum OptOutsView {
    /// `overdue optout list`: the opt-outs in force, then the addresses
    /// suppressed because they bounced (with the bounce's reason).
    public static func output(config: Config, json: Bool) throws -> CommandOutput {
        let ledger = try SpoolState(config: config).ledger
        let optOuts = ledger.optOuts
            .sorted { ($0.address, $0.channel?.rawValue ?? "") < ($1.address, $1.channel?.rawValue ?? "") }
        let bounced = ledger.bounced.sorted { $0.key.address < $1.key.address }
        if json {
            return try .json(.array(optOuts.map {
                .object(["address": .string($0.address), "channel": .string($0.channel?.rawValue ?? "all")])
            } + bounced.map {
                .object(["address": .string($0.key.address), "channel": .string($0.key.channel?.rawValue ?? "all"),
                         "kind": .string("bounce"), "reason": .string($0.value)])
            }))
        }
        var output = CommandOutput()
        if optOuts.isEmpty { output.append("no opt-outs") }
        for optOut in optOuts { output.append("\(optOut.address)  \(optOut.channel?.rawValue ?? "all channels")") }
        if !bounced.isEmpty { output.append("suppressed because they bounced (cleared by `overdue optout remove`):") }
        for (address, reason) in bounced { output.append("\(address.address)  \(address.channel?.rawValue ?? "")  \(reason)") }
        return output
    }
}
