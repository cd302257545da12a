import Foundation
import OverdueCore
import OverdueRender

/// `overdue report --html`: the report as one self-contained page (no
/// external assets, no script) that opens from a file and prints. Amounts
/// in each currency's own format for the reader's locale, debtors and
/// stages by the names people use (ids on hover), the charts in
/// `ReportCharts`. Built as text: the page is small and fixed, a template
/// engine adds nothing.
public enum ReportPage {
    /// `trend`: the report at earlier days, oldest first (the overdue-over-time chart).
    /// `locale`: a BCP 47 tag for amounts and dates ("en-GB", "de").
    public static func html(_ report: ReceivablesReport, trend: [ReceivablesReport], title: String, locale: String,
                            policies: [Policy]) -> String {
        let format = LocaleFormat(language: locale)
        var body = "<header><h1>\(escape(title))</h1><p class=\"muted\">Receivables on \(escape(format.date(report.day)))"
            + " · DSO and CEI over the last \(report.periodDays) days</p></header>"
        body += totals(report, format)
        for figures in report.currencies { body += currencySection(figures, report: report, trend: trend, format: format) }
        body += reminders(report, policies: policies, format: format)
        body += "<footer class=\"muted\"><p>DSO (simple method) = receivables at the day ÷ credit sales in the period × days. "
            + "CEI = (opening receivables + credit sales − closing receivables) ÷ (opening receivables + credit sales − "
            + "closing current receivables) × 100; “–” where the period had no credit sales in that currency. "
            + "Each installment is aged from its own due date. Paid within 7 days: "
            + "invoices paid in full within 7 days after the stage first reached the debtor.</p></footer>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style(paper: paper(locale)))</style></head><body>
            \(body)
            </body></html>

            """
    }

    /// One row per currency: the figures a manager compares first.
    static func totals(_ report: ReceivablesReport, _ format: LocaleFormat) -> String {
        var html = "<section id=\"totals\"><h2>Totals by currency</h2><table><thead><tr><th>Currency</th><th class=\"num\">Open</th>"
            + "<th class=\"num\">Overdue</th><th class=\"num\">Overdue share</th><th class=\"num\">DSO</th><th class=\"num\">CEI</th></tr></thead><tbody>"
        for figures in report.currencies {
            let share = figures.open > 0 ? format.percent(ReceivablesReport.rounded(figures.overdue / figures.open * 100)) : "–"
            html += "<tr><td title=\"\(escape(currencyName(figures.currency)))\">\(escape(figures.currency))</td>"
                + cell(format.money(figures.open, figures.currency)) + cell(format.money(figures.overdue, figures.currency))
                + cell(share) + cell(figures.dso.map { "\(format.number($0)) days" } ?? "–")
                + cell(figures.cei.map { format.percent($0) } ?? "–") + "</tr>"
        }
        if report.currencies.isEmpty { html += "<tr><td colspan=\"6\">No invoices issued by this day.</td></tr>" }
        return html + "</tbody></table></section>"
    }

    static func currencySection(_ figures: ReceivablesReport.CurrencyFigures, report: ReceivablesReport,
                                trend: [ReceivablesReport], format: LocaleFormat) -> String {
        let code = figures.currency
        func money(_ value: Decimal) -> String { format.money(value, code) }
        var html = "<section class=\"currency\" id=\"currency-\(escape(code))\"><h2>\(escape(code)) — \(escape(currencyName(code)))</h2>"
        let trendOverdue = trend.compactMap { past in past.currencies.first { $0.currency == code }?.overdue }
        guard figures.open > 0 || trendOverdue.contains(where: { $0 > 0 }) else {
            return html + "<p class=\"muted\">Nothing open in \(escape(code)) on this day or in the weeks before.</p></section>"
        }
        if figures.open > 0 {
            html += "<h3>Aging</h3>"
            let aging = figures.aging.map { ReportCharts.Datum(label: bucketLabel($0.name), value: $0.amount, text: money($0.amount)) }
            html += ReportCharts.columns(aging, title: "Aging of \(code) receivables", xTitle: "Days past due",
                                         yTitle: "Amount owed (\(code))", legend: "Amount owed", tick: { format.wholeMoney($0, code) })
            let open = figures.aging.reduce(Decimal(0)) { $0 + $1.amount }
            html += "<table><thead><tr><th>Days past due</th><th class=\"num\">Invoices and installments</th><th class=\"num\">Amount</th>"
                + "<th class=\"num\">Share</th></tr></thead><tbody>"
            for bucket in figures.aging {
                html += "<tr><td>\(escape(bucketLabel(bucket.name)))</td>" + cell(format.number(Decimal(bucket.count))) + cell(money(bucket.amount))
                    + cell(open > 0 ? format.percent(ReceivablesReport.rounded(bucket.amount / open * 100)) : "–") + "</tr>"
            }
            html += "<tr class=\"total\"><td>Total</td>" + cell(format.number(Decimal(figures.aging.reduce(0) { $0 + $1.count })))
                + cell(money(open)) + cell("") + "</tr></tbody></table>"
        } else {
            html += "<h3>Aging</h3><p class=\"muted\">Nothing open in \(escape(code)) on this day.</p>"
        }
        html += "<h3>Overdue over time</h3>"
        let points = (trend.map { past in (past.day, past.currencies.first { $0.currency == code }?.overdue ?? 0) }
            + [(report.day, figures.overdue)]).map { day, value in
                ReportCharts.Datum(label: format.shortDate(day), value: value, text: format.wholeMoney(value, code))
            }
        html += ReportCharts.line(points, title: "Overdue \(code) receivables, week by week", xTitle: "Date (weekly, up to the report day)",
                                  yTitle: "Overdue (\(code))", legend: "Overdue amount", tick: { format.wholeMoney($0, code) })
        if !figures.topDebtors.isEmpty {
            html += "<h3>Largest overdue debtors</h3><table><thead><tr><th>Debtor</th><th class=\"num\">Overdue</th>"
                + "<th class=\"num\">Share of overdue</th></tr></thead><tbody>"
            for debtor in figures.topDebtors {
                html += "<tr><td><span title=\"customer id \(escape(debtor.customer))\">\(escape(debtor.name))</span></td>"
                    + cell(money(debtor.overdue))
                    + cell(figures.overdue > 0 ? format.percent(ReceivablesReport.rounded(debtor.overdue / figures.overdue * 100)) : "–")
                    + "</tr>"
            }
            html += "</tbody></table>"
        }
        return html + "</section>"
    }

    static func reminders(_ report: ReceivablesReport, policies: [Policy], format: LocaleFormat) -> String {
        var html = "<section id=\"reminders\"><h2>Reminders</h2><table><tbody>"
        html += "<tr><td>Invoices paid in full</td>\(cell("\(report.paidCount)"))</tr>"
        html += "<tr><td>of which after their due date</td>\(cell("\(report.paidLateCount)" + (report.paidLateShare.map { " (\(format.percent(ReceivablesReport.rounded($0))))" } ?? "")))</tr>"
        html += "<tr><td>Debtors who replied to a reminder (nothing paid, promised or disputed since)</td>\(cell("\(report.repliedDebtors)"))</tr>"
        html += "</tbody></table><h3>Paid within 7 days of each stage</h3>"
            + "<p class=\"muted\">Invoices whose stage first reached the debtor in the last \(report.periodDays) days up to \(escape(format.date(report.day))).</p>"
        guard !report.stages.isEmpty else { return html + "<p class=\"muted\">No reminder reached a debtor in that period.</p></section>" }
        let data = report.stages.map { stage in
            ReportCharts.Datum(label: stageName(stage.stage, policies: policies), value: stage.share ?? 0,
                               text: stage.share.map { "\(format.percent(ReceivablesReport.rounded($0))) (\(stage.paidWithin7Days) of \(stage.reminded))" } ?? "–",
                               hint: "stage \(stage.stage)")
        }
        html += ReportCharts.percentBars(data, title: "Share of reminded invoices paid within 7 days, by stage",
                                         xTitle: "Paid in full within 7 days", legend: "Share paid")
        html += "<table><thead><tr><th>Stage</th><th class=\"num\">Invoices reminded</th><th class=\"num\">Paid within 7 days</th></tr></thead><tbody>"
        for (stage, datum) in zip(report.stages, data) {
            html += "<tr><td><span title=\"stage \(escape(stage.stage))\">\(escape(datum.label))</span></td>"
                + cell("\(stage.reminded)") + cell(datum.text) + "</tr>"
        }
        return html + "</tbody></table></section>"
    }

    /// "Second reminder": the stage's English label as letters name it, capitalised.
    public static func stageName(_ stage: String, policies: [Policy]) -> String {
        let policy = policies.first { $0.stages.contains { $0.name == stage } } ?? policies.first
            ?? Policy(name: "", stages: [])
        let label = LetterWords.stageLabel(stage, policy: policy, language: "en", brandLanguage: "en")
        return label.prefix(1).uppercased() + label.dropFirst()
    }

    static func bucketLabel(_ name: String) -> String {
        switch name {
        case "current": "Not yet due"
        case "over 90": "Over 90 days"
        default: name.replacingOccurrences(of: "-", with: "–") + " days"
        }
    }

    /// "Euro": the page's words are English, whatever the locale of its figures.
    static func currencyName(_ code: String) -> String {
        Locale(identifier: "en").localizedString(forCurrencyCode: code) ?? code
    }

    static func cell(_ text: String) -> String { "<td class=\"num\">\(escape(text))</td>" }

    /// US Letter where the reader's region uses it, else A4.
    static func paper(_ locale: String) -> String {
        let region = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).dropFirst().first.map { $0.uppercased() }
        return ["US", "CA", "MX", "PH", "CL", "CO", "VE"].contains(region ?? "") ? "letter" : "A4"
    }

    static func style(paper: String) -> String { """
        body{font-family:system-ui,"Segoe UI",Arial,sans-serif;margin:0 auto;max-width:900px;padding:16px;color:#111827;line-height:1.4}
        h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #0B5FFF;padding-bottom:4px;margin-top:32px}h3{margin-bottom:4px}
        .muted{color:#4B5563}table{border-collapse:collapse;margin:8px 0 16px}th,td{padding:4px 14px 4px 0;text-align:left;border-bottom:1px solid #E5E7EB}
        th{font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600;border-top:2px solid #9CA3AF}
        svg.chart{width:100%;height:auto;max-width:760px;display:block;margin:8px 0}
        .chart text{font-size:12px;fill:#111827}.chart .small{font-size:11px}.chart .axis-title{font-size:12px;font-weight:600;fill:#374151}
        .chart .grid{stroke:#E5E7EB}.chart .axis{stroke:#6B7280}.chart .bar{fill:#0B5FFF}.chart .series{fill:none;stroke:#0B5FFF;stroke-width:2}
        .chart .point{fill:#0B5FFF}footer{margin-top:32px;font-size:.9em}
        @media print{body{max-width:none;padding:0;font-size:10pt}svg.chart,table,footer{break-inside:avoid}h2,h3{break-after:avoid}
        .chart .bar,.chart .point{fill:#1F3A93;print-color-adjust:exact;-webkit-print-color-adjust:exact}a{color:inherit}@page{margin:15mm;size:\(paper)}}
        """ }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
