import Foundation
import OverdueCalendar
import OverdueCore
import PropertyBased
import TestSupport

/// One random debtor of the daemon's property tests, drawn whole by a
/// composed generator (x-sheep/swift-property-based), so a failing debtor
/// shrinks on its structure: fewer invoices and events, smaller amounts,
/// earlier days. `RandomDebtor` turns it into the inbox drops.
struct DebtorCase: CustomStringConvertible {
    /// An index into `LadderPropertyTests.zones`.
    var zone: Int
    /// An index into `languages`; the last one is none.
    var language: Int
    var phone: Bool
    var contact: Bool
    var invoices: [InvoiceCase]

    static let languages: [String?] = ["en", "de", "fr", nil]

    /// 1-8 invoices; `redrops`: some invoices dropped again later (the sequence test).
    static func generator(redrops: Bool = false) -> Generator<DebtorCase, some SendableSequenceType> {
        zip(Gen.int(in: 0...LadderPropertyTests.zones.count - 1), Gen.int(in: 0...languages.count - 1), Gen.bool, Gen.bool,
            InvoiceCase.generator(redrops: redrops).array(of: 1...8))
            .map { DebtorCase(zone: $0.0, language: $0.1, phone: $0.2, contact: $0.3, invoices: $0.4) }
    }

    var description: String {
        let extras = [Self.languages[language] ?? "no language", phone ? "phone" : nil, contact ? "contact" : nil].compactMap { $0 }
        return "debtor in \(LadderPropertyTests.zones[zone]) (\(extras.joined(separator: ", "))), \(invoices.count) invoice(s):\n"
            + invoices.enumerated().map { "  #\($0.offset): \($0.element)" }.joined(separator: "\n")
    }
}

/// One invoice of a random debtor and what happens to it. Days count from
/// its due date; minutes from midnight UTC.
struct InvoiceCase: CustomStringConvertible {
    /// Due this many days after the first day of the run.
    var dueDay: Int
    var cents: Int
    /// Paid in 2-3 installments a month apart.
    var installments: Int?
    var paymentLink: Bool
    /// The file arrives this many days after the due date (a catch-up), not 40 days before the run.
    var lateDays: Int?
    /// The file arrives this many minutes after 07:00 UTC.
    var arrivalMinute: Int
    var event: InvoiceEvent?
    var redrop: Redrop?

    static func generator(redrops: Bool) -> Generator<InvoiceCase, some SendableSequenceType> {
        zip(Gen.int(in: 0...89), Gen.int(in: 100...500_099), Gen.int(in: 2...3).optional(valueRate: 0.2), Gen.bool,
            Gen.int(in: 0...29).optional(valueRate: 0.25), Gen.int(in: 0...599), InvoiceEvent.generator.optional(valueRate: 4.0 / 6),
            Redrop.generator.optional(valueRate: redrops ? 0.25 : 0))
            .map { InvoiceCase(dueDay: $0.0, cents: $0.1, installments: $0.2, paymentLink: $0.3, lateDays: $0.4, arrivalMinute: $0.5,
                               event: $0.6, redrop: $0.7) }
    }

    var description: String {
        let due = RandomDebtor.firstDay.adding(days: dueDay)
        let filed = lateDays.map { "filed late, due+\($0)" } ?? "filed early"
        return ["due \(due) \(Decimal(cents) / 100) EUR", installments.map { "\($0) installments" }, paymentLink ? "pay link" : nil,
                "\(filed) at 07:00+\(arrivalMinute)m", event.map(\.description), redrop.map(\.description)]
            .compactMap { $0 }.joined(separator: ", ")
    }
}

/// What the debtor does about one invoice, `day` days after its due date at `minute` UTC.
enum InvoiceEvent: CustomStringConvertible {
    case paidInFull(day: Int, minute: Int)
    case paidHalf(day: Int, minute: Int)
    case disputed(day: Int, minute: Int, resolvedAfter: (days: Int, minute: Int)?)
    case promised(day: Int, minute: Int, days: Int)

    static var generator: Generator<InvoiceEvent, some SendableSequenceType> {
        zip(Gen.int(in: 0...3), Gen.int(in: -5...54), Gen.int(in: 0...1_439), Gen.int(in: 5...19),
            zip(Gen.int(in: 3...22), Gen.int(in: 0...1_439)).optional(valueRate: 0.5))
            .map { kind, day, minute, days, resolved in
                switch kind {
                case 0: .paidInFull(day: day, minute: minute)
                case 1: .paidHalf(day: day, minute: minute)
                case 2: .disputed(day: day, minute: minute, resolvedAfter: resolved.map { (days: $0.0, minute: $0.1) })
                default: .promised(day: day, minute: minute, days: days)
                }
            }
    }

    var description: String {
        switch self {
        case .paidInFull(let day, let minute): "paid in full on due\(Self.signed(day)) at \(minute)m"
        case .paidHalf(let day, let minute): "half paid on due\(Self.signed(day)) at \(minute)m"
        case .disputed(let day, let minute, let resolved):
            "disputed on due\(Self.signed(day)) at \(minute)m" + (resolved.map { ", resolved \($0.days) days later at \($0.minute)m" } ?? "")
        case .promised(let day, let minute, let days): "on due\(Self.signed(day)) at \(minute)m a promise to pay within \(days) days"
        }
    }

    static func signed(_ days: Int) -> String { days < 0 ? "\(days)" : "+\(days)" }
}

/// The invoice dropped again `afterDays` after its file by the accounting
/// system: for another customer (refused), or with `tenths`/10 of its balance.
struct Redrop: CustomStringConvertible {
    var otherCustomer: Bool
    var tenths: Int
    var afterDays: Int

    static var generator: Generator<Redrop, some SendableSequenceType> {
        zip(Gen.bool(1.0 / 3), Gen.int(in: 1...9), Gen.int(in: 1...60))
            .map { Redrop(otherCustomer: $0.0, tenths: $0.1, afterDays: $0.2) }
    }

    var description: String {
        "dropped again \(afterDays) days later " + (otherCustomer ? "for another customer" : "with \(tenths)/10 of its balance")
    }
}

/// One random debtor as inbox drops: invoices (some with installments,
/// some arriving late), and payments, disputes, resolves and promises at
/// their times, each after its invoice's file.
struct RandomDebtor {
    struct Drop {
        var time: Date
        var record: InboxRecord
    }

    static let firstDay = CalendarDate(iso: "2027-01-04")!

    let index: Int
    let zone: String
    var drops: [Drop] = []

    /// A debtor drawn from `random`, for the tests that put many in one ledger (customer C`index`).
    init(index: Int, random: inout SplitMix64) {
        var xoshiro = Xoshiro(seed: (random.next(), random.next(), random.next(), random.next()))
        self.init(DebtorCase.generator().run(using: &xoshiro), index: index)
    }

    init(_ scenario: DebtorCase, index: Int = 0) {
        self.index = index
        zone = LadderPropertyTests.zones[scenario.zone]
        let customer = Customer(id: "C\(index)", name: "Debtor \(index) Ltd", email: "ap\(index)@debtor.example",
                                phone: scenario.phone ? "+4915112345\(String(format: "%03d", index % 1000))" : nil,
                                contact: scenario.contact ? "Kim Doe" : nil, language: DebtorCase.languages[scenario.language],
                                timezone: zone)
        func time(_ day: CalendarDate, _ minutes: Int) -> Date {
            Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + Double(minutes) * 60)
        }
        var redrops: [(Redrop, Drop)] = []
        for (number, spec) in scenario.invoices.enumerated() {
            let due = Self.firstDay.adding(days: spec.dueDay)
            let amount = Decimal(spec.cents) / 100
            let id = "INV-\(index)-\(number)"
            let invoice = Invoice(id: id, customer: customer, issued: due.adding(days: -30), due: due, currency: "EUR",
                                  amount: amount, balance: amount, paymentURL: spec.paymentLink ? "https://pay.example/\(id)" : nil,
                                  installments: spec.installments.map { Self.installments(of: amount, parts: $0, from: due) } ?? [])
            // Most files arrive before the start; some late (catch-up).
            let arrival = spec.lateDays.map { due.adding(days: $0) } ?? Self.firstDay.adding(days: -40)
            let file = Drop(time: time(arrival, 7 * 60 + spec.arrivalMinute), record: .invoice(invoice))
            drops.append(file)
            if let redrop = spec.redrop { redrops.append((redrop, file)) }
            switch spec.event {
            case .paidInFull(let day, let minute):
                drops.append(Drop(time: time(due.adding(days: day), minute),
                                  record: .event(.payment(invoice: id, amount: amount, date: due, reference: nil))))
            case .paidHalf(let day, let minute):
                let date = due.adding(days: day)
                drops.append(Drop(time: time(date, minute),
                                  record: .event(.payment(invoice: id, amount: (amount / 2).rounded2, date: date, reference: nil))))
            case .disputed(let day, let minute, let resolved):
                let date = due.adding(days: day)
                drops.append(Drop(time: time(date, minute), record: .event(.dispute(invoice: id, date: date, reason: "damaged"))))
                if let resolved {
                    let on = date.adding(days: resolved.days)
                    drops.append(Drop(time: time(on, resolved.minute), record: .event(.resolve(invoice: id, date: on))))
                }
            case .promised(let day, let minute, let days):
                let date = due.adding(days: day)
                drops.append(Drop(time: time(date, minute),
                                  record: .event(.promise(invoice: id, date: date.adding(days: days), amount: nil))))
            case nil:
                break
            }
        }
        drops.sort { $0.time < $1.time }
        // An event must come after its invoice's file: move such events just after it.
        var arrived: [String: Date] = [:]
        for drop in drops { if case .invoice(let invoice) = drop.record { arrived[invoice.id] = drop.time } }
        drops = drops.map { drop in
            guard let id = drop.record.invoiceID, let at = arrived[id], drop.time < at,
                  case .event = drop.record else { return drop }
            return Drop(time: at.addingTimeInterval(60), record: drop.record)
        }
        drops = (drops + redrops.compactMap(Self.redrop)).sorted { $0.time < $1.time }
    }

    /// `parts` installments a month apart, the last one taking the rounding.
    static func installments(of amount: Decimal, parts: Int, from due: CalendarDate) -> [Installment] {
        var first = amount / Decimal(parts)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &first, 2, .down)
        return (0..<parts).map { part in
            Installment(due: due.adding(days: 30 * part), amount: part == parts - 1 ? amount - rounded * Decimal(parts - 1) : rounded)
        }
    }

    /// An invoice's file dropped again: for another customer with another
    /// amount (refused, never moved), or the same with a lower balance (a
    /// partial payment booked in the accounting system).
    static func redrop(_ redrop: Redrop, of file: Drop) -> Drop? {
        guard case .invoice(var invoice) = file.record else { return nil }
        let time = file.time.addingTimeInterval(Double(redrop.afterDays) * 86_400)
        if redrop.otherCustomer {
            invoice.customer.id += "-other"
            invoice.customer.name = "Someone Else Ltd"
            invoice.amount += 1
            invoice.balance = invoice.amount
            invoice.installments = []
            return Drop(time: time, record: .invoice(invoice))
        }
        invoice.balance = (invoice.balance * Decimal(redrop.tenths) / 10).rounded2
        guard invoice.installments.isEmpty, invoice.balance > 0 else { return nil }
        return Drop(time: time, record: .invoice(invoice))
    }
}

extension Decimal {
    var rounded2: Decimal {
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }
}
