import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue check` on statutory charges. Consumers: the late-payment laws overdue applies are
/// for business debts, so a consumer (`"consumer": true` on the customer
/// record) never gets statutory interest or compensation, while a stage's
/// flat `fee` still reaches them. Both are said, per customer and policy,
/// so the operator sees what a consumer's letter will and will not demand.
extension ConfigCheck {
    /// The consumer notes for the spool's ledger, if there is one yet.
    static func consumerNotes(_ config: Config) -> [String] {
        let spool = Spool(root: config.spool.dir)
        guard spool.exists, let ledger = try? LedgerStore.replay(spool: spool).ledger else { return [] }
        return consumerNotes(config, ledger: ledger)
    }

    public static func consumerNotes(_ config: Config, ledger: Ledger) -> [String] {
        var policiesByConsumer: [String: Set<String>] = [:]
        for record in ledger.directory.records.values where record.consumer {
            policiesByConsumer[record.id, default: []].insert(config.policies.resolve(record.policy).name)
        }
        guard !policiesByConsumer.isEmpty else { return [] }
        // The policies their invoices name (a record without its own policy leaves the invoice's).
        for entry in ledger.entries.values {
            let debtor = ledger.directory.effective(for: entry.invoice)
            guard debtor.consumer else { continue }
            policiesByConsumer[debtor.customer.id, default: []].insert(config.policies.resolve(debtor.policy).name)
        }
        var notes: [String] = []
        for (customer, names) in policiesByConsumer.sorted(by: { $0.key < $1.key }) {
            for policy in names.sorted().map({ config.policies.resolve($0) }) {
                let statutory = [policy.statutoryCharges ? "charges = \"statutory\"" : nil,
                                 policy.interestRatePercent.map { "interest_rate = \($0)" },
                                 policy.compensation.map { "compensation = \($0)" }].compactMap { $0 }
                if !statutory.isEmpty {
                    notes.append("customer \(customer) is a consumer: policy \"\(policy.name)\" would charge them \(statutory.joined(separator: ", ")), which is for businesses only, so their letters state none")
                }
                let fees = policy.stages.compactMap { stage in stage.fee.map { "\(stage.name): \($0)" } }
                if !fees.isEmpty {
                    notes.append("warning: customer \(customer) is a consumer and policy \"\(policy.name)\" charges them late fees (\(fees.joined(separator: ", "))); a fee to a consumer needs its own legal basis: give them a policy without fees if it has none")
                }
            }
        }
        return notes
    }

    /// Reference rates the table lacks for the half-year `today` is in,
    /// per series, naming the countries whose statutory interest stops at
    /// that half-year until the operator adds the rate.
    public static func rateTableNotes(_ config: Config, today: CalendarDate) -> [String] {
        let policies = config.policies.filter { $0.statutoryCharges && $0.interestRatePercent == nil }
        guard !policies.isEmpty else { return [] }
        var countries = Set<String>()
        for policy in policies { countries.formUnion(policy.statutoryCountries ?? Set(StatutoryRules.countries)) }
        var missing: [String: (fixing: CalendarDate, countries: [String])] = [:]
        for country in countries.sorted() {
            guard let law = StatutoryRules.rule(for: country) else { continue }
            let (rate, fixing) = law.rate(on: today, interestStart: today, rates: config.referenceRates)
            guard rate == nil else { continue }
            missing[law.series, default: (fixing, [])].countries.append(country)
        }
        return missing.sorted { $0.key < $1.key }.map { series, gap in
            let known = config.referenceRates[series]?.knownUntil.map { "known to \($0)" } ?? "not in the table"
            return "warning: reference rate \(series) is \(known), so statutory interest in \(gap.countries.joined(separator: ", ")) stops before the days its rate of \(gap.fixing) governs; add that rate to the file of [charges] reference_rates (format: Sources/OverdueCore/Charges/reference-rates.toml)"
        }
    }
}
