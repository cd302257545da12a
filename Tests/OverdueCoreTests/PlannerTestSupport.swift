import Foundation
import OverdueCalendar
@testable import OverdueCore

/// Builders for planner tests: the reference policy and schedule of examples/reference.toml.
enum Fixture {
    static let referencePolicy = Policy(name: "standard", stages: [
        Stage(name: "courtesy", offsetDays: -3, channels: [.email], template: "courtesy", final: false),
        Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        Stage(name: "firm", offsetDays: 8, channels: [.email, .sms], template: "firm", final: false),
        Stage(name: "final", offsetDays: 15, channels: [.email, .webhook], template: "final", final: true),
    ])

    static func schedule(zone: String = "Europe/London", hours: String = "09:00-17:00",
                         days: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri], holidays: [String] = [],
                         gap: Int = 3) -> Schedule {
        Schedule(timezone: zone, businessHours: BusinessHours(hours)!, businessDays: days,
                 holidays: Set(holidays.map { CalendarDate(iso: $0)! }), minGapDays: gap, defaultTermsDays: 30)
    }

    static func planner(_ schedule: Schedule = schedule(), policies: [Policy] = [referencePolicy],
                        channels: Set<Channel> = [.email, .sms, .webhook]) -> Planner {
        Planner(settings: PlannerSettings(policies: policies, schedule: schedule, enabledChannels: channels,
                                          webhookEndpoint: "https://crm.example/hooks/overdue"))
    }

    static func invoice(_ id: String, customer: String = "acme", zone: String? = "America/New_York",
                        due: String, amount: Decimal = 100, phone: String? = "+12125550100",
                        installments: [Installment] = []) -> InboxRecord {
        .invoice(Invoice(
            id: id,
            customer: Customer(id: customer, name: customer.capitalized, email: "ap@\(customer).example", phone: phone,
                               timezone: zone),
            issued: CalendarDate(iso: due)!.adding(days: -30), due: CalendarDate(iso: due)!, currency: "USD",
            amount: amount, balance: amount, installments: installments))
    }

    static func ledger(_ records: InboxRecord...) -> Ledger {
        var ledger = Ledger()
        for record in records { precondition(ledger.apply(record) == nil) }
        return ledger
    }

    static func instant(_ text: String) -> Date { Timestamp.parse(text)! }

    /// Local wall-clock text of an instant, e.g. "2027-03-23 09:00 Tue".
    static func local(_ date: Date, _ zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let names = ["", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        return String(format: "%04d-%02d-%02d %02d:%02d ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
            + names[parts.weekday!]
    }
}

/// ISO 8601 parsing for tests (the spool module has the product's own).
enum Timestamp {
    static func parse(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }
}

extension Planner {
    /// The open units of an entry with no directory record and no letters
    /// (principal first: the allocation needs letters to differ).
    func units(of entry: LedgerEntry) -> [Unit] {
        account(entry, debtor: CustomerDirectory().effective(for: entry.invoice), history: DeliveryHistory()).open
    }
}
