import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueQueries
import OverdueRender
import Testing
import TestSupport

/// `overdue report --html` as a finance manager reads it.
@Suite("The HTML report")
struct ReportPageTests {
    static func book() -> (Ledger, DeliveryHistory) {
        var ledger = Ledger()
        func invoice(_ id: String, _ customer: String, _ name: String, _ currency: String, _ amount: Decimal, due: String,
                     installments: [Installment] = []) -> InboxRecord {
            .invoice(Invoice(id: id, customer: Customer(id: customer, name: name, email: "\(customer)@x.example"),
                             issued: CalendarDate(iso: "2027-01-02")!, due: CalendarDate(iso: due)!, currency: currency,
                             amount: amount, balance: amount, installments: installments))
        }
        _ = ledger.apply(invoice("A-1", "keller", "Uhren Keller GmbH", "EUR", Decimal(string: "12345.60")!, due: "2027-02-01"))
        _ = ledger.apply(invoice("A-2", "dubois", "Bistro Dubois", "EUR", 800, due: "2027-03-20",
                                 installments: [Installment(due: CalendarDate(iso: "2027-03-01")!, amount: 400),
                                                Installment(due: CalendarDate(iso: "2027-04-20")!, amount: 400)]))
        _ = ledger.apply(invoice("I-1", "mumbai", "Mumbai Traders", "INR", Decimal(string: "6292500")!, due: "2027-03-01"))
        _ = ledger.apply(invoice("P-1", "paid", "Paid Ltd", "EUR", 100, due: "2027-02-01"))
        _ = ledger.apply(.event(.payment(invoice: "P-1", amount: 100, date: CalendarDate(iso: "2027-02-03")!, reference: nil)))
        var history = DeliveryHistory()
        for (index, (id, stage, day)) in [("A-1", "overdue", "2027-02-02"), ("P-1", "overdue", "2027-02-02"),
                                          ("P-1", "thanks", "2027-02-04"), ("A-1", "final", "2027-02-20"),
                                          ("A-1", "broken_promise", "2027-03-01")].enumerated() {
            history.record(SentMessage(key: "k\(index)", customer: "c", channel: .email, recipient: "r", stage: stage,
                                       items: [ReminderItem(invoice: id, installment: nil, stage: stage)],
                                       time: try! Date("\(day)T10:00:00Z", strategy: .iso8601)))
        }
        return (ledger, history)
    }

    static let policy = Policy(name: "standard", stages: [
        Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        Stage(name: "final", offsetDays: 15, channels: [.email], template: "final", final: true),
    ])

    static func page(locale: String) -> String {
        let (ledger, history) = book()
        let ladder = ["overdue", "final", "broken_promise"]
        let day = CalendarDate(iso: "2027-03-31")!
        let report = ReceivablesReport(ledger: ledger, history: history, on: day, ladder: ladder)
        let trend = (1...4).reversed().map { ReceivablesReport(ledger: ledger, history: history, on: day.adding(days: -7 * $0), ladder: ladder) }
        return ReportPage.html(report, trend: trend, title: "Receivables — Northwind", locale: locale, policies: [policy])
    }

    @Test("amounts in each currency's own format for the reader's locale; totals per currency")
    func moneyFormatted() {
        let british = Self.page(locale: "en-GB")
        #expect(british.contains("€12,745.60") && british.contains("₹62,92,500.00") == false)
        #expect(british.contains("₹6,292,500.00"))
        let german = Self.page(locale: "de-DE")
        #expect(german.contains("12.745,60\u{A0}€") && german.contains("6.292.500,00\u{A0}₹"))
        let indian = Self.page(locale: "en-IN")
        #expect(indian.contains("₹62,92,500.00"))
        #expect(!british.contains("EUR 12745.60") && !british.contains("INR 6292500"))
        #expect(british.contains("<h2>Totals by currency</h2>") && british.contains("Euro") && british.contains("Indian Rupee"))
    }

    @Test("debtors by name with their id on hover; stages by display name in ladder order, no receipt among them")
    func namesAndStages() throws {
        let page = Self.page(locale: "en-GB")
        #expect(page.contains("<span title=\"customer id keller\">Uhren Keller GmbH</span>"))
        let stages = try #require(page.range(of: "<h3>Paid within 7 days of each stage</h3>")).upperBound
        let rest = String(page[stages...])
        let order = ["Payment reminder", "Final demand", "Reminder of your promise to pay"].map { rest.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted())
        #expect(!rest.contains("thanks") && !rest.contains("Payment confirmation") && !rest.contains(">broken_promise<"))
        #expect(rest.contains("title=\"stage broken_promise\""))
        #expect(rest.contains("50% (1 of 2)"))
    }

    @Test("each installment in the bucket of its own due date")
    func installmentsAged() {
        let page = Self.page(locale: "en-GB")
        // 400 due 03-01 (30 days) and 400 not yet due.
        #expect(page.contains("<tr><td>Not yet due</td><td class=\"num\">1</td><td class=\"num\">€400.00</td>"))
        #expect(page.contains("<tr><td>1–30 days</td><td class=\"num\">1</td><td class=\"num\">€400.00</td>"))
    }

    @Test("charts: titled axes, round ticks, a value on every bar and where the trend changes, a legend; the page prints and needs no network")
    func charts() {
        let page = Self.page(locale: "en-GB")
        for text in ["Days past due", "Amount owed (EUR)", "Date (weekly, up to the report day)", "Overdue (EUR)", "Paid in full within 7 days",
                     "class=\"legend\"", ">€0<", ">€10,000<", ">50 %<", "@media print"] {
            #expect(page.contains(text), "\(text)")
        }
        // Five aging bars with their values, five points on the trend (four weeks before and the day).
        #expect(page.components(separatedBy: "<rect class=\"bar\"").count - 1 >= 5 + 5)
        #expect(page.components(separatedBy: "<circle class=\"point\"").count - 1 == 5 * 2)
        #expect(!page.contains("http://") || !page.contains("src=\"http"))
        #expect(!page.contains("<script") && !page.contains("<link"))
    }

    @Test("round axis steps: 1, 2, 2.5 or 5 times a power of ten, the top above the largest value")
    func scale() {
        for (maximum, step, top) in [(Decimal(12745.6), Decimal(5000), Decimal(15000)), (Decimal(800), 200, 800),
                                     (Decimal(6292500), 2000000, 8000000), (Decimal(0), 1, 4), (Decimal(999), 250, 1000)] {
            let scale = ReportCharts.Scale(maximum: maximum)
            #expect(scale.step == step && scale.top == top, "\(maximum): \(scale.step) \(scale.top)")
        }
    }

    @Test("drawn by Chromium: titled axes, round ticks and amounts in the reader's locale, a legend, stages by name",
          .enabled(if: Chromium.path != nil, "chromium is not installed: the browser's DOM is not checked"))
    func report() throws {
        let dom = try Chromium.dom(Self.page(locale: "de-DE"))
        let axes = try Chromium.texts(dom, tag: "text", cls: "axis-title")
        for title in ["Days past due", "Amount owed (EUR)", "Date (weekly, up to the report day)", "Overdue (EUR)", "Paid in full within 7 days"] {
            #expect(axes.contains(title), "\(title) not among \(axes)")
        }
        let ticks = try Chromium.texts(dom, tag: "text", cls: "tick")
        #expect(ticks.contains("15.000\u{A0}€") && ticks.contains("0\u{A0}€") && ticks.contains("Amount owed"), "\(ticks)")
        let values = try Chromium.texts(dom, tag: "text", cls: "value")
        #expect(values.contains("12.345,60\u{A0}€"), "\(values)")
        let cells = try Chromium.texts(dom, tag: "td", cls: "num")
        #expect(cells.contains("12.745,60\u{A0}€") && cells.contains("6.292.500,00\u{A0}₹"), "\(cells)")
        #expect(dom.contains(">Final demand<") && !dom.contains(">thanks<"))
    }
}
