import Foundation

/// The report as one self-contained HTML page (no external assets) with
/// inline SVG charts: aging bars, overdue over time, stage effectiveness.
/// Built as text: the page is small and fixed, a template engine adds nothing.
public enum ReportHTML {
    /// `history`: the report at earlier days (oldest first), for the trend chart.
    public static func page(_ report: ReceivablesReport, history: [ReceivablesReport], title: String) -> String {
        var body = "<h1>\(escape(title))</h1><p class=\"muted\">Receivables on \(report.day) · period \(report.periodDays) days</p>"
        for figures in report.currencies {
            let units = Currency.minorUnits(figures.currency)
            func money(_ value: Decimal) -> String { "\(figures.currency) \(Money.format(value, minorUnits: units))" }
            body += "<section><h2>\(escape(figures.currency))</h2><table>"
            body += row("Open", money(figures.open)) + row("Overdue", money(figures.overdue))
            body += row("DSO", figures.dso.map { "\($0) days" } ?? "–") + row("CEI", figures.cei.map { "\($0) %" } ?? "–")
            body += "</table><h3>Aging</h3>"
            body += bars(figures.aging.map { ($0.name, $0.amount, money($0.amount)) }, label: "Aging of \(figures.currency) receivables")
            let trend = history.compactMap { past in past.currencies.first { $0.currency == figures.currency }.map { (past.day, $0.overdue) } }
                + [(report.day, figures.overdue)]
            body += "<h3>Overdue over time</h3>" + line(trend, label: "Overdue \(figures.currency) over time")
            if !figures.topDebtors.isEmpty {
                body += "<h3>Top debtors</h3><table>" + figures.topDebtors.map { row($0.customer, money($0.overdue)) }.joined() + "</table>"
            }
            body += "</section>"
        }
        body += "<section><h2>Reminders</h2><table>"
        body += row("Debtors who replied (nothing paid since)", "\(report.repliedDebtors)")
        body += row("Paid in full", "\(report.paidCount)") + row("of which late", "\(report.paidLateCount)"
            + (report.paidLateShare.map { " (\(Money.format($0, minorUnits: 1)) %)" } ?? ""))
        body += "</table><h3>Paid within 7 days of each stage</h3>"
        body += bars(report.stages.map { ($0.stage, $0.share ?? 0, $0.share.map { "\(Money.format($0, minorUnits: 1)) %" } ?? "–") },
                     label: "Stage effectiveness", maximum: 100)
        body += "</section>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body{font-family:system-ui,Arial,sans-serif;margin:0 auto;max-width:860px;padding:12px;color:#111827}
            h1{font-size:1.5em}h2{border-bottom:2px solid #0B5FFF;padding-bottom:4px}.muted{color:#6B7280}
            table{border-collapse:collapse;margin:8px 0}td{padding:4px 12px 4px 0}svg{width:100%;height:auto;max-width:640px}
            @media print{section{break-inside:avoid}}
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    static func row(_ label: String, _ value: String) -> String {
        "<tr><td>\(escape(label))</td><td>\(escape(value))</td></tr>"
    }

    /// Horizontal bars with a label and a value text each.
    static func bars(_ items: [(String, Decimal, String)], label: String, maximum: Decimal? = nil) -> String {
        let top = maximum ?? max(items.map(\.1).max() ?? 1, 1)
        let height = 28 * max(items.count, 1) + 8
        var svg = "<svg role=\"img\" aria-label=\"\(escape(label))\" viewBox=\"0 0 640 \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, item) in items.enumerated() {
            let width = top > 0 ? NSDecimalNumber(decimal: item.1 / top * 400).intValue : 0
            let y = 8 + index * 28
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(escape(item.0))</text>"
            svg += "<rect x=\"110\" y=\"\(y)\" width=\"\(max(0, width))\" height=\"20\" fill=\"#0B5FFF\"/>"
            svg += "<text x=\"\(120 + max(0, width))\" y=\"\(y + 15)\" font-size=\"13\">\(escape(item.2))</text>"
        }
        return svg + "</svg>"
    }

    /// A line chart of amounts over days.
    static func line(_ points: [(CalendarDate, Decimal)], label: String) -> String {
        let top = max(points.map(\.1).max() ?? 1, 1)
        let step = points.count > 1 ? 560 / (points.count - 1) : 0
        let coordinates = points.enumerated().map { index, point in
            "\(40 + index * step),\(170 - NSDecimalNumber(decimal: point.1 / top * 150).intValue)"
        }
        var svg = "<svg role=\"img\" aria-label=\"\(escape(label))\" viewBox=\"0 0 640 200\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<line x1=\"40\" y1=\"170\" x2=\"620\" y2=\"170\" stroke=\"#9CA3AF\"/>"
        svg += "<polyline fill=\"none\" stroke=\"#0B5FFF\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>"
        if let first = points.first, let last = points.last {
            svg += "<text x=\"40\" y=\"190\" font-size=\"12\">\(first.0)</text><text x=\"520\" y=\"190\" font-size=\"12\">\(last.0)</text>"
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
