import Crypto
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool

/// One file's records applied and committed: the ingester's core step.
extension Ingester {
    /// Applies and commits one file's records. `document`: the file is a PDF
    /// kept in the document store; it is recorded first, and the invoices
    /// it is attached to (waiting for it, or in the file) are returned.
    /// `statement`: the file is a bank statement, news from the bank up to
    /// the end of its period even if nothing applied, taken whole or not at
    /// all; `statementLog`: its own lines (per file, unmatched, returns),
    /// logged with the records' when it is taken.
    @discardableResult
    func ingestRecords(_ records: [ParsedRecord], format: InboxFormat, header: String?, entry: InboxFiles.Entry,
                       digest: String, now: Date, summary: inout IngestSummary, statement: LedgerStore.StatementFreshness? = nil, statementLog: [LogEntry] = [],
                       document: StoredDocument? = nil) throws -> [String] {
        var undo = Ledger.Undo()
        var accepted: [(number: Int, record: InboxRecord)] = []
        var rejected: [(record: ParsedRecord, problems: [FieldProblem])] = []
        // "did you mean …?" scans the ledger: a file of many unknown numbers gets it for its first ones only.
        var suggestionsLeft = 20
        var logEntries = statementLog
        var waiting: [String] = []
        if let document {
            waiting = ledger.awaitingDocument[document.name] ?? []
            let event = LedgerEvent.document(name: document.name, sha256: document.sha256, size: document.size)
            _ = ledger.apply(.event(event), undo: &undo)
            accepted.append((0, .event(event)))
        }
        let numbers = InvoiceNumbersInFile(records)
        var acceptedRows = Set<Int>()
        for (index, parsed) in records.enumerated() {
            var problems: [FieldProblem] = []
            switch parsed.outcome {
            case .rejected(let found):
                problems = found
            case .accepted(.event(.document)):
                problems.append(FieldProblem(field: "event", reason: "\"document\" records are written by overdue when a PDF arrives; drop the PDF itself into the inbox"))
            case .accepted(let read):
                let record = Self.dated(read, on: now, schedule: config.plannerSettings.schedule)
                let replaced = Self.replacedEntry(record, in: ledger)
                let owedBefore = record.invoiceID.flatMap { ledger[$0]?.balance }
                if let earlier = numbers.earlierRow(repeatedAt: index), acceptedRows.contains(earlier) {
                    logEntries.append(Self.repeatedRowLine(record, parsed, repeating: records[earlier], file: entry.name, time: now))
                } else if let policy = record.policyName, !config.definesPolicy(policy) {
                    problems.append(FieldProblem(field: "policy", reason: "\"\(policy)\" is not a policy in \(config.sourcePath); use one of \(config.policies.map(\.name).joined(separator: ", ")) or leave it out for the default"))
                } else if case .event(.feedback(let feedback)) = record, ledger.feedbackSeen.contains(feedback.identity) {
                    // Read again after a crash between commit and move: counted once.
                    accepted.append((parsed.number, record))
                    logEntries.append(LogEntry(time: now, event: "feedback", fields: Self.feedbackFields(feedback, file: entry.name,
                        detail: "already applied; this copy changes nothing")))
                } else if let problem = numbers.conflict(at: index) ?? ledger.identityProblem(record) {
                    problems.append(problem)  // checked here, not by `apply`: see InvoiceIdentity.swift
                } else if var problem = ledger.apply(record, undo: &undo) {
                    if case .event = record, let id = record.invoiceID, ledger[id] == nil, suggestionsLeft > 0 {
                        suggestionsLeft -= 1
                        if let near = ledger.entries.nearestID(to: id) { problem.reason += "; did you mean \"\(near)\"?" }
                    }
                    problems.append(problem)
                } else {
                    accepted.append((parsed.number, record))
                    acceptedRows.insert(index)
                    var fields = Self.fields(of: record, parsed, file: entry.name,
                                             currency: record.invoiceID.flatMap { ledger[$0]?.invoice.currency },
                                             customer: record.invoiceID.flatMap { ledger[$0]?.invoice.customer.id })
                    if let note = parsed.note ?? Self.contactNote(record, ledger: ledger) { fields["detail"] = .string(note) }
                    if case .invoice(let invoice) = record, invoice.due < invoice.issued {
                        // Accepted as given (the seller's terms may be odd), but a clerk should look.
                        var warning = Self.position(parsed, file: entry.name)
                        warning["invoice"] = .string(invoice.id)
                        warning["customer"] = .string(invoice.customer.id)
                        warning["field"] = .string("due")
                        warning["detail"] = .string(Self.dueBeforeIssue(invoice))
                        logEntries.append(LogEntry(time: now, event: "warning", fields: warning))
                    }
                    if case .invoice(let invoice) = record, let name = invoice.document, document == nil {
                        // Whether its PDF is here yet, so a missing one is noticed at once.
                        fields["document"] = .string(name)
                        fields["document_status"] = .string(ledger[invoice.id]?.document != nil ? "attached" : "waiting")
                    }
                    if case .event(.feedback(let feedback)) = record {
                        logEntries.append(LogEntry(time: now, event: "feedback", fields: Self.feedbackFields(feedback, file: entry.name)))
                    } else {
                        logEntries.append(Self.acceptedLine(record, replacing: replaced, fields: fields, time: now))
                    }
                    if case .event(.payment(let id, _, _, _)) = record, let settled = ledger[id], settled.balance <= 0,
                       (owedBefore ?? 0) > 0 {
                        logEntries.append(Self.paidLine(settled, policy: config.plannerSettings.policy(
                            named: ledger.directory.effective(for: settled.invoice).policy), file: entry.name, time: now))
                    }
                }
            }
            if !problems.isEmpty {
                rejected.append((parsed, problems))
                // One log line per record; every problem is in `detail`.
                var fields = Self.position(parsed, file: entry.name)
                fields["field"] = .string(problems[0].field)
                fields["fields"] = .array(problems.map { .string($0.field) })
                fields["detail"] = .string(problems.map(\.description).joined(separator: "; "))
                logEntries.append(LogEntry(time: now, event: "rejected", fields: fields))
            }
        }
        // A bank statement is taken whole or not at all: one record it made that
        // cannot apply rejects the file, with the entry named, and nothing of it stays.
        if statement != nil, let first = rejected.first {
            ledger.revert(undo)
            let reason = "the bank statement cannot be applied: \(first.record.note ?? "record \(first.record.number)"): "
                + first.problems.map(\.description).joined(separator: "; ")
            try rejectWholeFile(entry, digest: digest, reason: reason, now: now)
            summary.rejected += 1
            return []
        }
        var attached: [String] = []
        if let document {
            let candidates = waiting + accepted.compactMap { _, record in
                if case .invoice(let invoice) = record { invoice.id } else { nil }
            }
            for id in candidates where ledger[id]?.document?.sha256 == document.sha256 && !attached.contains(id) { attached.append(id) }
            logEntries.insert(LogEntry(time: now, event: "document", fields: [
                "file": .string(entry.name), "sha256": .string(document.sha256), "size": .number(Decimal(document.size)),
                "invoices": .array(attached.map(JSONValue.string)),
                "detail": .string(attached.isEmpty ? "kept in documents/; no invoice names it yet"
                    : "attached to the reminders about \(attached.joined(separator: ", "))"),
            ]), at: 0)
        }
        do {
            try writeRejectedRecords(rejected, of: records.count, format: format, header: header, entry: entry,
                                     digest: digest, now: now)
            try store.commit(accepted, file: entry.name, digest: digest, rejected: rejected.count, time: now, statement: statement)
        } catch {
            ledger.revert(undo)  // not durable, so not applied; the file stays for the next pass
            throw error
        }
        committed[digest] = CommittedFile(digest: digest, file: entry.name, time: Timestamp.format(now),
                                          accepted: accepted.count, rejected: rejected.count)
        // Fresh payment data releases what the stale feed guard holds.
        if let statement {
            // As the replay will read it from the commit line (milliseconds).
            ledger.noteStatement(account: statement.account, until: Timestamp.parse(Timestamp.format(statement.until)) ?? statement.until)
        } else if accepted.contains(where: { $0.record.isPaymentData }) {
            ledger.notePaymentData(at: now)
        }
        try log.append(logEntries)
        try take(entry, to: archiveURL(for: entry.name, digest: digest, now: now), now: now)
        if rejected.isEmpty, !accepted.isEmpty {
            let resolved = try InboxFiles.resolveRejections(of: entry.name, in: spool)
            if !resolved.isEmpty {
                try log.append([LogEntry(time: now, event: "resolved", fields: [
                    "file": .string(entry.name), "files": .array(resolved.map(JSONValue.string)),
                    "detail": .string("accepted whole: the earlier rejection of \(InboxFiles.originalName(entry.name)) is resolved; its files are kept in rejected/resolved/"),
                ])])
            }
        }
        // The PDF's own `document` event is journaled with the records but is not one of them.
        let acceptedRecords = accepted.count - (document == nil ? 0 : 1)
        summary.accepted += acceptedRecords
        summary.rejected += rejected.count
        for (_, record) in accepted {
            if case .event(.retry(let key)) = record { summary.retries.append(key) }
            if case .event(.feedback(let feedback)) = record, feedback.kind == .hardBounce, let key = feedback.key {
                summary.bouncedDeliveries.append(BouncedDelivery(key: key, reason: [feedback.status, feedback.reason].compactMap { $0 }.joined(separator: " ")))
            }
        }
        logger.info("ingested inbox file", metadata: [
            "inbox.file": "\(entry.name)", "records.accepted": "\(acceptedRecords)", "records.rejected": "\(rejected.count)",
        ])
        return attached
    }
}
