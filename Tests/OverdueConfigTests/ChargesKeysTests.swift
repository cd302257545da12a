import Foundation
import OverdueConfig
import OverdueCore
import Testing

@Suite("Config: charges_from, waive_charges_on_payment, allocation")
struct ChargesKeysTests {
    static func parse(_ keys: String) throws -> Config {
        try ConfigLoader.parse("""
            [[policy]]
            name = "standard"
            stages = [{ name = "overdue", offset_days = 1, channels = ["email"] }, { name = "firm", offset_days = 8, channels = ["email"] }]
            \(keys)
            """, path: "/etc/overdue/overdue.toml")
    }

    @Test("the keys are read; the default starts charges at firm")
    func read() throws {
        let defaults = try Self.parse("").policies[0]
        #expect(defaults.chargesFrom == nil && defaults.stages[defaults.chargesFromIndex].name == "firm")
        #expect(!defaults.waiveChargesOnPayment && defaults.allocation == .principalFirst)
        let set = try Self.parse("charges_from = \"overdue\"\nwaive_charges_on_payment = true\nallocation = \"principal_first\"").policies[0]
        #expect(set.statesCharges(at: "overdue") && set.waiveChargesOnPayment)
        #expect(try Self.parse("allocation = \"costs_first\"").policies[0].allocation == .costsFirst)
    }

    @Test("a stage the policy lacks, and an unknown allocation, are refused naming the key and the fix")
    func refused() {
        #expect { try Self.parse("charges_from = \"final\"") } throws: { error in
            "\(error)".contains("charges_from") && "\(error)".contains("overdue, firm")
        }
        #expect { try Self.parse("allocation = \"interest_first\"") } throws: { error in
            "\(error)".contains("allocation") && "\(error)".contains("principal_first") && "\(error)".contains("costs_first")
        }
    }
}
