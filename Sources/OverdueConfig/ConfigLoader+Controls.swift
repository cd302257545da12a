import Foundation
import OverdueCalendar
import OverdueCore

/// The controls' settings: `[schedule] payments_stale_after_hours`,
/// `approval_expires_days`, `holiday_calendars`; `[[policy]] min_amount`,
/// `promise_grace_days`. (A stage's `approve` is read with the stage.)
extension ConfigSections {
    func readScheduleControls(_ table: TableReader, into schedule: inout Schedule) {
        // Absent: 0, the guard is off.
        let staleHours = table.int("payments_stale_after_hours", default: 0, range: 1...8760,
                                   expected: "hours from 1 to 8760 (36 suits a daily export); leave it out to turn the guard off")
        schedule.paymentsStaleAfterHours = staleHours > 0 ? staleHours : nil
        schedule.approvalExpiresDays = table.int("approval_expires_days", default: 14, range: 1...365,
                                                 expected: "days from 1 to 365")
        if let calendars = table.table("holiday_calendars") {
            var files: [String: ICalendarHolidays] = [:]
            for code in calendars.table.keys.sorted() {
                guard let path = calendars.string(code, expected: "the path of an iCalendar (.ics) file") else { continue }
                let key = calendars.key(code)
                let canonical = PublicHolidays.canonicalCode(code)
                guard PublicHolidays.calendar(for: canonical) != nil || FieldRules.country(canonical) == nil else {
                    table.report(key, "\"\(code)\" is not a country; use an ISO 3166 code such as DE, or GB-SCT, GB-NIR, GB-WLS for the GB nations")
                    continue
                }
                let resolved = resolve(path)
                let place = configLine(of: code).map { "line \($0): " } ?? ""
                guard let data = FileManager.default.contents(atPath: resolved), let ics = String(data: data, encoding: .utf8) else {
                    table.report(key, "\(place)\(resolved) cannot be read; check the path and that the daemon's user may read it")
                    continue
                }
                do {
                    files[canonical] = try ICalendarHolidays.parse(text: ics)
                } catch {
                    table.report(key, "\(place)\(resolved): \(error)")
                }
            }
            calendars.finish()
            schedule.debtorHolidays = DebtorHolidays(userCalendars: files)
        }
    }

    func readPolicyControls(_ table: TableReader, into policy: inout Policy) {
        if let minimums = table.table("min_amount") {
            for currency in minimums.table.keys.sorted() {
                let key = minimums.key(currency)
                if let problem = FieldRules.currency(currency) {
                    minimums.report(key, problem)
                    _ = minimums.decimal(currency, expected: "an amount")
                    continue
                }
                if let amount = minimums.decimal(currency, expected: "an amount such as \"10.00\"") { policy.minAmount[currency] = amount }
            }
            minimums.finish()
        }
        // Absent (-1): no broken-promise letters.
        let grace = table.int("promise_grace_days", default: -1, range: 0...90, expected: "days from 0 to 90")
        policy.promiseGraceDays = grace >= 0 ? grace : nil
        policy.interestDuringDispute = table.bool("interest_during_dispute", default: true)
        let stageNames = policy.stages.map(\.name)
        policy.chargesFrom = table.string("charges_from", expected: "a stage name of this policy") { name in
            stageNames.contains(name) ? nil : "names no stage of this policy; use one of \(stageNames.joined(separator: ", "))"
        }
        policy.waiveChargesOnPayment = table.bool("waive_charges_on_payment", default: false)
        if let allocation = table.string("allocation", expected: "\"principal_first\" or \"costs_first\"", check: { text in
            PaymentAllocation(rawValue: text) == nil ? "is \"\(text)\"; expected \"principal_first\" (the default) or \"costs_first\" (§ 367 BGB: costs, then interest, then the principal)" : nil
        }) {
            policy.allocation = PaymentAllocation(rawValue: allocation) ?? .principalFirst
        }
    }

    /// The 1-based line of the config file where `key = …` is written.
    func configLine(of key: String) -> Int? {
        let pattern = try? Regex("(^|[\\s{,])\"?\(NSRegularExpression.escapedPattern(for: key))\"?\\s*=")
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let pattern, line.contains(pattern) { return index + 1 }
        }
        return nil
    }
}
