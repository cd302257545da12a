import ArgumentParser
import Foundation
import OverdueCore
import OverdueQueries
import OverdueSpool

struct OptoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optout",
        abstract: "Add, remove or list opt-outs (an address that must not be contacted on a channel).",
        discussion: """
            add and remove drop an optout/optin event into the inbox, exactly as a file from your \
            CRM would: a running daemon applies it at once, otherwise the next `overdue run` does. \
            Without --channel the opt-out covers every channel.
            """,
        subcommands: [Add.self, Remove.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop contacting an address (e-mail or E.164 phone).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The e-mail address or phone number.") var address: String
        @Option(help: "email, sms, webhook or call (default: all).") var channel: Channel?

        func validate() throws { try OptoutCommand.check(address) }
        func run() throws { try OptoutCommand.drop("optout", address: address, channel: channel, global: global) }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow contacting an address again (an opt-in).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The e-mail address or phone number.") var address: String
        @Option(help: "email, sms, webhook or call (default: all).") var channel: Channel?

        func validate() throws { try OptoutCommand.check(address) }
        func run() throws { try OptoutCommand.drop("optin", address: address, channel: channel, global: global) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The opt-outs in force.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let config = try global.loadConfig()
            try emit { try OptOutsView.output(config: config, json: json) }
        }
    }

    static func check(_ address: String) throws {
        if let problem = FieldRules.contactAddress(address) { throw ValidationError(problem) }
    }

    static func drop(_ event: String, address: String, channel: Channel?, global: GlobalOptions) throws {
        let config = try global.loadConfig()
        let record: LedgerEvent = event == "optout" ? .optout(address: address, channel: channel) : .optin(address: address, channel: channel)
        let name = try dropIntoInbox([record], kind: event, config: config)
        print("\(event == "optout" ? "opt-out" : "opt-in") for \(address) (\(channel?.rawValue ?? "all channels")) dropped into the inbox as \(name)")
    }
}
