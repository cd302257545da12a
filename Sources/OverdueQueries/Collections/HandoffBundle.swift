import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

/// One debtor's file for a collection agency: `DIR/<customer>-<day>/` with
/// - `invoices.csv`: the invoices handed off, with what is still open;
/// - `messages/`: the exact bytes of every message the debtor was sent
///   (from `messages/`), one file each, named by date, stage and channel;
/// - `documents/`: the invoices' PDFs, under the names they were dropped with;
/// - `log.jsonl`: every delivery-log line about the debtor;
/// - `summary.txt`: who, how much, what was sent when, disputes, payments.
/// Written under a dot-name and renamed into place, so an agency's pickup
/// never sees half a bundle.
public struct HandoffBundle {
    public var debtor: HandoffSelection.Debtor
    public var day: CalendarDate
    public var agency: String?

    public init(debtor: HandoffSelection.Debtor, day: CalendarDate, agency: String?) {
        self.debtor = debtor
        self.day = day
        self.agency = agency
    }

    public struct Exists: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) already exists; move it away or choose another --to directory" }
    }

    public var directoryName: String {
        "\(debtor.customer.id.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }.map(String.init).joined())-\(day)"
    }

    /// Writes the bundle; returns its directory and how many messages it holds.
    public func write(to parent: URL, ledger: Ledger, outcomes: [DeliveryJournal.Outcome], log: [[String: JSONValue]],
                      spool: Spool) throws -> (URL, messages: Int) {
        let final = parent.appendingPathComponent(directoryName)
        guard !FileManager.default.fileExists(atPath: final.path) else { throw Exists(path: final.path) }
        let partial = parent.appendingPathComponent(".\(directoryName).partial")
        try? FileManager.default.removeItem(at: partial)  // left by an interrupted earlier attempt
        let messagesDirectory = partial.appendingPathComponent("messages")
        try FileManager.default.createDirectory(at: messagesDirectory, withIntermediateDirectories: true)

        let id = debtor.customer.id
        let sent = outcomes.filter { $0.message.customer == id && $0.status == .sent && $0.message.channel != .call }
        let copies = try MessageArchive.find(keys: Set(sent.map(\.message.key)), in: spool.messages)
        var index: [String] = []
        var missing: [String] = []
        for (number, outcome) in sent.enumerated() {
            let message = outcome.message
            guard let bytes = copies[message.key] else {
                missing.append(message.key)
                continue
            }
            let ext = switch message.channel {
            case .email: "eml"
            case .webhook: "json"
            case .sms, .call: "txt"
            }
            let name = String(format: "%03d", number + 1) + "-\(Timestamp.utcDay(message.time))-\(message.stage)-\(message.channel.rawValue).\(ext)"
            try DurableIO.writeAtomically(bytes, to: messagesDirectory.appendingPathComponent(name))
            index.append("  \(name)  to \(message.recipient)  at \(Timestamp.format(message.time))  key \(message.key)")
        }
        try DurableIO.writeAtomically(Array(invoicesCSV(ledger).utf8), to: partial.appendingPathComponent("invoices.csv"))
        try copyDocuments(ledger: ledger, spool: spool, into: partial.appendingPathComponent("documents"))
        let encoder = JSONEncoder.journalLine()
        var logBytes: [UInt8] = []
        for line in log where line["customer"] == .string(id) {
            logBytes += try encoder.encode(JSONValue.object(line))
            logBytes.append(UInt8(ascii: "\n"))
        }
        try DurableIO.writeAtomically(logBytes, to: partial.appendingPathComponent("log.jsonl"))
        let calls = outcomes.filter { $0.message.customer == id && $0.message.channel == .call }
        try DurableIO.writeAtomically(Array(summary(ledger, messages: index, missing: missing, calls: calls).utf8),
                                      to: partial.appendingPathComponent("summary.txt"))
        try DurableIO.move(partial, to: final)
        return (final, sent.count - missing.count)
    }

    /// Each handed-off invoice's PDF once, under its file name (a name
    /// used by two different PDFs gets the invoice number in front).
    func copyDocuments(ledger: Ledger, spool: Spool, into folder: URL) throws {
        let store = DocumentStore(spool: spool)
        var written: [String: String] = [:]  // file name → sha256
        for id in debtor.invoices {
            guard let document = ledger[id]?.document, let bytes = store.read(sha256: document.sha256) else { continue }
            var name = document.name
            if let other = written[name], other != document.sha256 { name = "\(id)-\(name)" }
            guard written[name] == nil else { continue }
            if written.isEmpty { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            try DurableIO.writeAtomically(bytes, to: folder.appendingPathComponent(name))
            written[name] = document.sha256
        }
    }

    func invoicesCSV(_ ledger: Ledger) -> String {
        var rows = [["invoice", "issued", "due", "currency", "amount", "open", "days_past_due", "payments", "disputed", "payment_url", "document"]]
        for id in debtor.invoices {
            guard let entry = ledger[id] else { continue }
            let invoice = entry.invoice
            let units = Currency.minorUnits(invoice.currency)
            // Each payment and each return of one, as the bank booked them (the agency reconciles against its statements).
            let payments = entry.events.compactMap { event -> String? in
                switch event {
                case .payment(_, let amount, let date, _): "\(date) \(Money.format(amount, minorUnits: units))"
                case .paymentReturned(_, let amount, let date, _): "\(date) -\(Money.format(amount, minorUnits: units)) returned"
                default: nil
                }
            }
            rows.append([invoice.id, invoice.issued.description, invoice.due.description, invoice.currency,
                         Money.format(invoice.amount, minorUnits: units), Money.format(debtor.open[id] ?? entry.balance, minorUnits: units),
                         String(invoice.due.days(until: day)), payments.joined(separator: "; "),
                         entry.events.contains { if case .dispute = $0 { true } else { false } } ? "yes" : "no",
                         invoice.paymentURL ?? "", entry.document?.name ?? ""])
        }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    func summary(_ ledger: Ledger, messages: [String], missing: [String], calls: [DeliveryJournal.Outcome]) -> String {
        let customer = debtor.customer
        var open: [String: Decimal] = [:]
        for id in debtor.invoices { if let entry = ledger[id] { open[entry.invoice.currency, default: 0] += debtor.open[id] ?? entry.balance } }
        var lines = [
            "Hand-off of \(customer.name) (\(customer.id)) on \(day)" + (agency.map { " to \($0)" } ?? ""),
            "Contact: " + [customer.contact, customer.email, customer.phone].compactMap { $0 }.joined(separator: ", "),
            "Open: " + open.sorted { $0.key < $1.key }
                .map { "\($0.key) \(Money.format($0.value, minorUnits: Currency.minorUnits($0.key)))" }.joined(separator: ", "),
            "Invoices (\(debtor.invoices.count)): \(debtor.invoices.joined(separator: ", "))",
            "Final notice: \(debtor.finalNotice?.description ?? "none sent")",
            "",
            "Messages sent (\(messages.count), exact copies in messages/):",
        ] + messages
        if !missing.isEmpty {
            lines += ["", "Sent but with no copy in the spool's messages/ (removed?): " + missing.joined(separator: ", ")]
        }
        if !calls.isEmpty {
            lines += ["", "On the call list:"] + calls.map { "  \(Timestamp.utcDay($0.message.time))  stage \($0.message.stage)" }
        }
        if let called = ledger.lastCalled[customer.id] { lines.append("Last phoned: \(called)") }
        let events = debtor.invoices.flatMap { id in (ledger[id]?.events ?? []).map { (id, $0) } }
        if !events.isEmpty {
            lines += ["", "Events:"]
            for (id, event) in events {
                let fields = RecordEncoder.object(event).filter { $0.key != "invoice" }.sorted { $0.key < $1.key }
                lines.append("  \(id)  " + fields.map { "\($0.key)=\($0.value.plainText)" }.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting. SwiftCSV reads CSV but does not write it, and a
    /// field needs quotes only for a comma, quote or line break. A field a
    /// spreadsheet would run as a formula (= + - @, tab, CR first: a file
    /// name or payment link the debtor's side chose) gets a leading ', as
    /// OWASP's CSV-injection advice says: the agency opens this in Excel.
    static func csvField(_ value: String) -> String {
        let safe = value.first.map { "=+-@\t\r".contains($0) } == true ? "'" + value : value
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension HandoffBundle.Exists: OverdueError {
    public var code: ErrorCode { .handoffBundleExists }
}
