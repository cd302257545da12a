import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueRender

extension ReportView {
    /// `overdue report`: the receivables figures on `day` as text or JSON,
    /// or, with `htmlFile`, a page with charts written to that file.
    /// `locale`: how the page formats amounts and dates (default: `[brand] language`, else "en").
    public static func output(config: Config, day: CalendarDate, periodDays period: Int, json: Bool,
                              htmlFile html: String?, locale: String? = nil) throws -> CommandOutput {
        let state = try SpoolState(config: config)
        let view = ReportView(state)
        let report = view.report(on: day, periodDays: period)
        let deliveries = state.deliveryCounts
        if let html {
            try ReportPage.html(report, trend: view.reportTrend(before: day, periodDays: period), title: "Receivables — \(config.brand.name)",
                                locale: locale ?? config.brand.language ?? "en", policies: config.plannerSettings.policies)
                .write(toFile: html, atomically: true, encoding: .utf8)
            return CommandOutput(lines: ["wrote \(html)"])
        }
        let controls = StatusView(state).controls(now: Date())
        if json {
            guard case .object(var object) = Self.json(report, deliveries: deliveries) else { return CommandOutput() }
            object["pending_approvals"] = controls["pending_approvals"]
            object["held"] = controls["held"]
            return try .json(.object(object))
        }
        var output = CommandOutput(lines: ["Receivables on \(day) (period \(period) days)"])
        for figures in report.currencies {
            let units = Currency.minorUnits(figures.currency)
            func money(_ value: Decimal) -> String { "\(figures.currency) \(Money.format(value, minorUnits: units))" }
            output.append("\n\(figures.currency): open \(money(figures.open)), overdue \(money(figures.overdue))"
                + (figures.dso.map { ", DSO \($0) days" } ?? "") + (figures.cei.map { ", CEI \($0) %" } ?? ""))
            for bucket in figures.aging {
                output.append("  \(bucket.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(bucket.count).padding(toLength: 6, withPad: " ", startingAt: 0)) \(money(bucket.amount))")
            }
            if !figures.topDebtors.isEmpty {
                output.append("  top debtors: " + figures.topDebtors.map { "\($0.name) [\($0.customer)] \(money($0.overdue))" }.joined(separator: ", "))
            }
        }
        if report.repliedDebtors > 0 { output.append("\ndebtors who replied to a reminder (no payment, promise or dispute since): \(report.repliedDebtors)") }
        output.append("\npaid in full: \(report.paidCount), of which late: \(report.paidLateCount)"
            + (report.paidLateShare.map { " (\(Money.format($0, minorUnits: 1)) %)" } ?? ""))
        for stage in report.stages {
            output.append("\(ReportPage.stageName(stage.stage, policies: config.plannerSettings.policies)) (\(stage.stage)): "
                + "\(stage.reminded) reminded in the period, \(stage.paidWithin7Days) paid within 7 days"
                + (stage.share.map { " (\(Money.format($0, minorUnits: 1)) %)" } ?? ""))
        }
        for (channel, counts) in deliveries.sorted(by: { $0.key < $1.key }) {
            output.append("\(channel), all time: " + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        output.append("pending approvals: \(controls["pending_approvals"]?.plainText ?? "0")")
        return output
    }

    /// `report --json` without the controls (pending approvals, held), which the caller adds.
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
                        .object(["customer": .string($0.customer), "name": .string($0.name), "overdue": .string(Money.format($0.overdue, minorUnits: units))])
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
