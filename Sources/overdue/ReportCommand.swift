import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueSpool

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Receivables and collections figures: aging, DSO, CEI, late payments, stage effectiveness, deliveries.",
        discussion: """
            DSO (simple method) = receivables at the day ÷ credit sales in the last --period days × days. \
            CEI = (opening receivables + credit sales − closing receivables) ÷ (opening receivables + credit \
            sales − closing current receivables) × 100. Stage effectiveness = share of invoices paid in full \
            within 7 days after the stage was first sent.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The day of the report (YYYY-MM-DD, UTC); default today.", valueName: "date")) var at: String?
    @Option(help: "Days of the period for DSO and CEI.") var period = 90
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Write a self-contained HTML page with charts to this file.", valueName: "file")) var html: String?

    func validate() throws {
        try DayOption.check(at, option: "--at")
        guard (1...3660).contains(period) else { throw ValidationError("--period must be from 1 to 3660 days") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let status = try SpoolStatus(config: config)
        let day = at.flatMap { CalendarDate(iso: $0) } ?? CalendarDay.utc(Date())
        let report = status.report(on: day, periodDays: period)
        let deliveries = status.deliveryCounts
        if let html {
            try ReportHTML.page(report, history: status.reportTrend(before: day, periodDays: period), title: "Receivables — \(config.brand.name)")
                .write(toFile: html, atomically: true, encoding: .utf8)
            print("wrote \(html)")
            return
        }
        let controls = status.controls(now: Date())
        if json {
            guard case .object(var object) = Self.json(report, deliveries: deliveries) else { return }
            object["pending_approvals"] = controls["pending_approvals"]
            object["held"] = controls["held"]
            return try printJSON(.object(object))
        }

        print("Receivables on \(day) (period \(period) days)")
        for figures in report.currencies {
            let units = Currency.minorUnits(figures.currency)
            func money(_ value: Decimal) -> String { "\(figures.currency) \(Money.format(value, minorUnits: units))" }
            print("\n\(figures.currency): open \(money(figures.open)), overdue \(money(figures.overdue))"
                + (figures.dso.map { ", DSO \($0) days" } ?? "") + (figures.cei.map { ", CEI \($0) %" } ?? ""))
            for bucket in figures.aging {
                print("  \(bucket.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(bucket.count).padding(toLength: 6, withPad: " ", startingAt: 0)) \(money(bucket.amount))")
            }
            if !figures.topDebtors.isEmpty {
                print("  top debtors: " + figures.topDebtors.map { "\($0.customer) \(money($0.overdue))" }.joined(separator: ", "))
            }
        }
        if report.repliedDebtors > 0 { print("\ndebtors who replied to a reminder (no payment, promise or dispute since): \(report.repliedDebtors)") }
        print("\npaid in full: \(report.paidCount), of which late: \(report.paidLateCount)"
            + (report.paidLateShare.map { " (\(Money.format($0, minorUnits: 1)) %)" } ?? ""))
        for stage in report.stages {
            print("stage \(stage.stage): \(stage.reminded) reminded, \(stage.paidWithin7Days) paid within 7 days"
                + (stage.share.map { " (\(Money.format($0, minorUnits: 1)) %)" } ?? ""))
        }
        for (channel, counts) in deliveries.sorted(by: { $0.key < $1.key }) {
            print("\(channel): " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        print("pending approvals: \(controls["pending_approvals"]?.plainText ?? "0")")
    }

    static func json(_ report: ReceivablesReport, deliveries: [String: [String: Int]]) -> JSONValue {
        func number(_ value: Decimal?) -> JSONValue { value.map { .string("\($0)") } ?? .null }
        return .object([
            "day": .string(report.day.description),
            "period_days": .number(Decimal(report.periodDays)),
            "currencies": .array(report.currencies.map { figures in
                let units = Currency.minorUnits(figures.currency)
                return .object([
                    "currency": .string(figures.currency),
                    "open": .string(Money.format(figures.open, minorUnits: units)),
                    "overdue": .string(Money.format(figures.overdue, minorUnits: units)),
                    "aging": .array(figures.aging.map {
                        .object(["bucket": .string($0.name), "count": .number(Decimal($0.count)),
                                 "amount": .string(Money.format($0.amount, minorUnits: units))])
                    }),
                    "dso_days": number(figures.dso),
                    "cei_percent": number(figures.cei),
                    "top_debtors": .array(figures.topDebtors.map {
                        .object(["customer": .string($0.customer), "overdue": .string(Money.format($0.overdue, minorUnits: units))])
                    }),
                ])
            }),
            "paid": .number(Decimal(report.paidCount)),
            "paid_late": .number(Decimal(report.paidLateCount)),
            "replied": .number(Decimal(report.repliedDebtors)),
            "paid_late_percent": number(report.paidLateShare.map { Money.parse(Money.format($0, minorUnits: 1)) ?? $0 }),
            "stages": .array(report.stages.map {
                .object(["stage": .string($0.stage), "reminded": .number(Decimal($0.reminded)),
                         "paid_within_7_days": .number(Decimal($0.paidWithin7Days))])
            }),
            "deliveries": .object(deliveries.mapValues { .object($0.mapValues { .number(Decimal($0)) }) }),
        ])
    }
}
