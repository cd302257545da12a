import Foundation
import OverdueCalendar
import OverdueCore

// The ledger's types in the snapshot encoding. Each `write…` has its
// `read…` right below it; a change to either is a new snapshot format
// version (`LedgerSnapshot.formatVersion`), so an old file is ignored, never misread.

extension SnapshotWriter {
    mutating func calendarDate(_ value: CalendarDate) { int(value.daysSinceEpoch) }

    mutating func channel(_ value: Channel) { string(value.rawValue) }

    mutating func customer(_ value: Customer) {
        string(value.id)
        string(value.name)
        for field in [value.email, value.phone, value.contact, value.language, value.timezone, value.country, value.vatID,
                      value.salutation] {
            optionalString(field)
        }
    }

    mutating func invoice(_ value: Invoice) {
        string(value.id)
        customer(value.customer)
        calendarDate(value.issued)
        calendarDate(value.due)
        string(value.currency)
        decimal(value.amount)
        decimal(value.balance)
        optionalString(value.policy)
        optionalString(value.paymentURL)
        array(value.installments) { $0.calendarDate($1.due); $0.decimal($1.amount) }
        optional(value.discountPercent) { $0.decimal($1) }
        optional(value.discountUntil) { $0.calendarDate($1) }
        optionalString(value.document)
    }

    mutating func storedDocument(_ value: StoredDocument) {
        string(value.name)
        string(value.sha256)
        int(value.size)
    }

    mutating func feedback(_ value: FeedbackEvent) {
        string(value.kind.rawValue)
        string(value.messageID)
        optionalString(value.digest)
        calendarDate(value.date)
        for field in [value.key, value.customer, value.address, value.status, value.reason, value.evidence] { optionalString(field) }
    }

    mutating func event(_ value: LedgerEvent) {
        switch value {
        case .payment(let invoice, let amount, let date, let reference):
            byte(0); string(invoice); decimal(amount); calendarDate(date); optionalString(reference)
        case .dispute(let invoice, let date, let reason):
            byte(1); string(invoice); optional(date) { $0.calendarDate($1) }; optionalString(reason)
        case .resolve(let invoice, let date):
            byte(2); string(invoice); optional(date) { $0.calendarDate($1) }
        case .promise(let invoice, let date, let amount):
            byte(3); string(invoice); calendarDate(date); optional(amount) { $0.decimal($1) }
        case .cancel(let invoice, let date, let reason):
            byte(4); string(invoice); optional(date) { $0.calendarDate($1) }; optionalString(reason)
        case .optout(let address, let channel):
            byte(5); string(address); optional(channel) { $0.channel($1) }
        case .optin(let address, let channel):
            byte(6); string(address); optional(channel) { $0.channel($1) }
        case .bounce(let address, let channel, let reason):
            byte(7); string(address); self.channel(channel); optionalString(reason)
        case .credit(let customer, let amount, let currency, let reference):
            byte(8); string(customer); decimal(amount); string(currency); optionalString(reference)
        case .handoff(let invoice, let date, let agency):
            byte(9); string(invoice); calendarDate(date); optionalString(agency)
        case .called(let customer, let date, let note):
            byte(10); string(customer); calendarDate(date); optionalString(note)
        case .retry(let key):
            byte(11); optionalString(key)
        case .document(let name, let sha256, let size):
            byte(12); string(name); string(sha256); int(size)
        case .feedback(let event):
            byte(13); feedback(event)
        case .unplacedCredit(let credit):
            byte(14); unplacedCredit(credit)
        case .paymentReturned(let invoice, let amount, let date, let reference):
            byte(15); string(invoice); decimal(amount); calendarDate(date); optionalString(reference)
        }
    }

    mutating func unplacedCredit(_ value: UnplacedCredit) {
        string(value.key)
        decimal(value.amount)
        string(value.currency)
        calendarDate(value.valueDate)
        for field in [value.payerName, value.payerIBAN, value.remittance, value.reason, value.settled, value.endToEnd] { optionalString(field) }
        bool(value.returned)
        array(value.possibleDebtors) { $0.string($1) }
    }

    mutating func entry(_ value: LedgerEntry) {
        invoice(value.invoice)
        decimal(value.balance)
        byte((value.disputed ? 1 : 0) | (value.cancelled ? 2 : 0))
        optional(value.promisedUntil) { $0.calendarDate($1) }
        optional(value.handedOff) { $0.calendarDate($1) }
        decimal(value.credit)
        array(value.events) { $0.event($1) }
        int(value.eventsBeforeDrop)
        optional(value.document) { $0.storedDocument($1) }
    }

    mutating func optOut(_ value: OptOut) {
        string(value.address)
        optional(value.channel) { $0.channel($1) }
    }

    mutating func customerRecord(_ value: CustomerRecord) {
        string(value.id)
        optionalString(value.name)
        optionalString(value.email)
        array(value.cc) { $0.string($1) }
        for field in [value.phone, value.contact, value.language, value.timezone, value.country, value.vatID, value.policy] {
            optionalString(field)
        }
        bool(value.exclude)
        optionalString(value.note)
        bool(value.consumer)
        optionalString(value.salutation)
        array(value.ibans) { $0.string($1) }
        optionalString(value.referenceScheme?.rawValue)
    }

    mutating func approval(_ value: ApprovalDecision) {
        switch value {
        case .approve(let key): byte(0); string(key)
        case .hold(let key, let reason): byte(1); string(key); string(reason)
        }
    }

    mutating func committedFile(_ value: CommittedFile) {
        string(value.digest)
        string(value.file)
        string(value.time)
        int(value.accepted)
        int(value.rejected)
    }
}

extension SnapshotReader {
    mutating func calendarDate() throws(SnapshotFormatError) -> CalendarDate { CalendarDate(daysSinceEpoch: try int()) }

    mutating func channel() throws(SnapshotFormatError) -> Channel {
        let name = try string()
        guard let channel = Channel(rawValue: name) else { throw SnapshotFormatError("an unknown channel \"\(name)\"") }
        return channel
    }

    mutating func customer() throws(SnapshotFormatError) -> Customer {
        Customer(id: try string(), name: try string(), email: try optionalString(), phone: try optionalString(),
                 contact: try optionalString(), language: try optionalString(), timezone: try optionalString(),
                 country: try optionalString(), vatID: try optionalString(), salutation: try optionalString())
    }

    mutating func invoice() throws(SnapshotFormatError) -> Invoice {
        Invoice(id: try string(), customer: try customer(), issued: try calendarDate(), due: try calendarDate(),
                currency: try string(), amount: try decimal(), balance: try decimal(), policy: try optionalString(),
                paymentURL: try optionalString(),
                installments: try array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in
                    Installment(due: try reader.calendarDate(), amount: try reader.decimal())
                },
                discountPercent: try optional { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.decimal() },
                discountUntil: try optionalDate(), document: try optionalString())
    }

    mutating func optionalDate() throws(SnapshotFormatError) -> CalendarDate? {
        try bool() ? try calendarDate() : nil
    }

    mutating func optionalChannel() throws(SnapshotFormatError) -> Channel? {
        try bool() ? try channel() : nil
    }

    mutating func storedDocument() throws(SnapshotFormatError) -> StoredDocument {
        StoredDocument(name: try string(), sha256: try string(), size: try int())
    }

    mutating func unplacedCredit() throws(SnapshotFormatError) -> UnplacedCredit {
        var credit = UnplacedCredit(key: try string(), amount: try decimal(), currency: try string(), valueDate: try calendarDate(),
                                    payerName: try optionalString(), payerIBAN: try optionalString(), remittance: try optionalString(),
                                    reason: try optionalString())
        credit.settled = try optionalString()
        credit.endToEnd = try optionalString()
        credit.returned = try bool()
        credit.possibleDebtors = try array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() }
        return credit
    }

    mutating func feedback() throws(SnapshotFormatError) -> FeedbackEvent {
        let kindName = try string()
        guard let kind = FeedbackEvent.Kind(rawValue: kindName) else { throw SnapshotFormatError("an unknown feedback kind \"\(kindName)\"") }
        return FeedbackEvent(kind: kind, messageID: try string(), digest: try optionalString(), date: try calendarDate(),
                             key: try optionalString(), customer: try optionalString(), address: try optionalString(),
                             status: try optionalString(), reason: try optionalString(), evidence: try optionalString())
    }

    mutating func event() throws(SnapshotFormatError) -> LedgerEvent {
        switch try byte() {
        case 0: .payment(invoice: try string(), amount: try decimal(), date: try calendarDate(), reference: try optionalString())
        case 1: .dispute(invoice: try string(), date: try optionalDate(), reason: try optionalString())
        case 2: .resolve(invoice: try string(), date: try optionalDate())
        case 3: .promise(invoice: try string(), date: try calendarDate(),
                         amount: try optional { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.decimal() })
        case 4: .cancel(invoice: try string(), date: try optionalDate(), reason: try optionalString())
        case 5: .optout(address: try string(), channel: try optionalChannel())
        case 6: .optin(address: try string(), channel: try optionalChannel())
        case 7: .bounce(address: try string(), channel: try channel(), reason: try optionalString())
        case 8: .credit(customer: try string(), amount: try decimal(), currency: try string(), reference: try optionalString())
        case 9: .handoff(invoice: try string(), date: try calendarDate(), agency: try optionalString())
        case 10: .called(customer: try string(), date: try calendarDate(), note: try optionalString())
        case 11: .retry(key: try optionalString())
        case 12: .document(name: try string(), sha256: try string(), size: try int())
        case 13: .feedback(try feedback())
        case 14: .unplacedCredit(try unplacedCredit())
        case 15: .paymentReturned(invoice: try string(), amount: try decimal(), date: try calendarDate(), reference: try optionalString())
        case let tag: throw SnapshotFormatError("an unknown event tag \(tag) at byte \(position - 1)")
        }
    }

    mutating func entry() throws(SnapshotFormatError) -> LedgerEntry {
        let invoice = try invoice()
        let balance = try decimal()
        let flags = try byte()
        return LedgerEntry(
            restoring: invoice, balance: balance, disputed: flags & 1 != 0, cancelled: flags & 2 != 0,
            promisedUntil: try optionalDate(), handedOff: try optionalDate(), credit: try decimal(),
            events: try array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.event() },
            eventsBeforeDrop: try int(),
            document: try optional { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.storedDocument() })
    }

    mutating func optOut() throws(SnapshotFormatError) -> OptOut {
        OptOut(address: try string(), channel: try optionalChannel())
    }

    mutating func customerRecord() throws(SnapshotFormatError) -> CustomerRecord {
        var record = CustomerRecord(id: try string(), name: try optionalString(), email: try optionalString(),
                                    cc: try array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() },
                                    phone: try optionalString(), contact: try optionalString(), language: try optionalString(),
                                    timezone: try optionalString(), country: try optionalString(), vatID: try optionalString(),
                                    policy: try optionalString(), exclude: try bool(), note: try optionalString(), consumer: try bool(),
                                    salutation: try optionalString())
        record.ibans = try array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() }
        let scheme = try optionalString()
        record.referenceScheme = scheme.flatMap(NationalReference.init(rawValue:))
        return record
    }

    mutating func approval() throws(SnapshotFormatError) -> ApprovalDecision {
        switch try byte() {
        case 0: .approve(key: try string())
        case 1: .hold(key: try string(), reason: try string())
        case let tag: throw SnapshotFormatError("an unknown approval tag \(tag)")
        }
    }

    mutating func committedFile() throws(SnapshotFormatError) -> CommittedFile {
        CommittedFile(digest: try string(), file: try string(), time: try string(), accepted: try int(), rejected: try int())
    }
}
