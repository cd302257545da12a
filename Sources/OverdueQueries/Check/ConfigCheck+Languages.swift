import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue check` on languages: a customer whose language has no
/// templates is held by the planner (never written to in another language)
/// unless `[brand] fallback_language` is set. Both are said, naming the
/// customers, since the operator's fix (templates, a fallback, the record's
/// language) depends on who they are.
extension ConfigCheck {
    /// (problems, notes) for the spool's ledger, if there is one yet.
    static func languageFindings(_ config: Config) -> (problems: [String], notes: [String]) {
        let spool = Spool(root: config.spool.dir)
        guard spool.exists, let ledger = try? LedgerStore.replay(spool: spool).ledger else { return ([], []) }
        return languageFindings(config, ledger: ledger)
    }

    public static func languageFindings(_ config: Config, ledger: Ledger) -> (problems: [String], notes: [String]) {
        let planner = Planner(settings: config.plannerSettings)
        var byLanguage: [String: Set<String>] = [:]
        for entry in ledger.entries.values where entry.balance > 0 && !entry.cancelled {
            let customer = ledger.directory.effective(for: entry.invoice).customer
            if let missing = planner.missingLanguage(customer) { byLanguage[missing, default: []].insert(customer.id) }
        }
        var problems: [String] = []
        var notes: [String] = []
        for (language, customers) in byLanguage.sorted(by: { $0.key < $1.key }) {
            let names = customers.sorted().prefix(10).joined(separator: ", ") + (customers.count > 10 ? " and \(customers.count - 10) more" : "")
            if let fallback = config.brand.fallbackLanguage {
                notes.append("customers \(names) ask for language \"\(language)\", which has no templates: their letters are written in \"\(fallback)\" ([brand] fallback_language)")
            } else {
                problems.append("\(config.sourcePath): customers \(names) ask for language \"\(language)\", which has no templates: they are held; add a folder \(language)/ to [brand] templates, set [brand] fallback_language, or give them a language that has templates")
            }
        }
        return (problems, notes)
    }
}
