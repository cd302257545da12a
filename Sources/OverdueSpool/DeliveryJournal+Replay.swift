import Foundation
import OverdueCalendar
import OverdueCore

/// The delivery journal's replay as a fold over its lines, so it can stop
/// at a line, be saved (`DeliverySnapshot`) and go on from there. A line
/// can take back an earlier one (a re-queue after a failure, an outcome
/// after a deferral), so what is folded keeps every outcome with its line
/// number and the last re-queue, outcome and deferral per key; `state`
/// settles them once, at the end.
extension DeliveryJournal {
    struct Accumulator: Sendable {
        var outcomes: [(line: Int, outcome: Outcome)] = []
        var lastRequeue: [String: Int] = [:]
        var deferred: [String: (line: Int, deferral: Deferral)] = [:]
        var lastOutcome: [String: Int] = [:]
        var approvalLines: [(pending: Bool, key: String, time: Date)] = []
        var staleSince: Date?
        /// Lines folded so far, and the byte offset just past the last one.
        var lines = 0
        var offset = 0

        mutating func add(_ raw: ArraySlice<UInt8>, decoder: JSONDecoder, path: String) throws {
            let index = lines
            lines += 1
            guard let line = try? decoder.decode(Line.self, from: Data(raw)) else {
                throw LedgerCorruption(path: path, line: index + 1, reason: "not a delivery record")
            }
            switch line.type ?? "outcome" {
            case "requeue":
                lastRequeue[line.key] = index
            case "pending", "expired":
                approvalLines.append((line.type == "pending", line.key, Timestamp.parse(line.time) ?? .distantPast))
            case "stale":
                staleSince = line.first.flatMap(Timestamp.parse)
            case "fresh":
                staleSince = nil
            case "deferred":
                if let attempt = line.attempt, let next = line.next.flatMap(Timestamp.parse), let first = line.first.flatMap(Timestamp.parse) {
                    deferred[line.key] = (index, Deferral(key: line.key, attempt: attempt, next: next, first: first))
                }
            default:
                guard let channel = line.channel.flatMap(Channel.init(rawValue:)), let time = Timestamp.parse(line.time) else {
                    throw LedgerCorruption(path: path, line: index + 1, reason: "an outcome without channel or time")
                }
                var message = SentMessage(key: line.key, customer: line.customer ?? "", channel: channel, recipient: line.recipient ?? "",
                                          stage: line.stage ?? "", items: line.items ?? [], time: time)
                message.copy = line.copy ?? false
                message.payBy = line.pay_by.flatMap(CalendarDate.init)
                guard let status = DeliveryStatus(rawValue: line.status ?? "sent") else {
                    throw LedgerCorruption(path: path, line: index + 1, reason: "an outcome with the unknown status \"\(line.status ?? "")\"")
                }
                outcomes.append((index, Outcome(message: message, status: status, code: line.code ?? 0, detail: line.detail ?? "")))
                lastOutcome[line.key] = index
            }
        }

        func state(keepingOutcomes: Bool) -> State {
            var state = State()
            state.staleLogged = staleSince
            for line in approvalLines {
                if line.pending { state.history.approvals.pending(line.key, since: line.time) } else { state.history.approvals.expired(line.key) }
            }
            for (index, outcome) in outcomes {
                // A re-queue after the outcome takes it back: the planner may send it again.
                if let requeue = lastRequeue[outcome.message.key], requeue > index { continue }
                // A later outcome of the same delivery replaces it (a report that it bounced after all).
                if let last = lastOutcome[outcome.message.key], last > index { continue }
                state.history.record(outcome.message, status: outcome.status)
                state.counts[outcome.message.channel.rawValue, default: [:]][outcome.status.rawValue, default: 0] += 1
                if outcome.status == .failed { state.failed[outcome.message.key] = outcome }
                if keepingOutcomes { state.outcomes.append(outcome) }
                if outcome.status.reachedDebtor {
                    state.recentSends[outcome.message.channel, default: []].append(outcome.message.time)
                }
            }
            if let latest = state.recentSends.values.compactMap({ $0.max() }).max() {
                let horizon = latest.addingTimeInterval(-2 * 86_400)
                state.recentSends = state.recentSends.mapValues { $0.filter { $0 >= horizon } }
            }
            for (key, (index, deferral)) in deferred where (lastOutcome[key] ?? -1) < index {
                state.deferred[key] = deferral
            }
            return state
        }
    }

    /// The fold over the whole journal: from the snapshot's, when it checks
    /// out, over the lines after it; a torn last line is left out.
    static func replayAccumulated(spool: Spool, usingSnapshot: Bool) throws -> Accumulator {
        var accumulator = (usingSnapshot ? DeliverySnapshot.restore(spool: spool) : nil) ?? Accumulator()
        let path = url(spool).path
        guard let reader = try JournalWindowReader(url: url(spool), startOffset: accumulator.offset) else { return accumulator }
        let decoder = JSONDecoder()
        while let window = try reader.next() {
            for line in window.lines { try accumulator.add(line, decoder: decoder, path: path) }
            accumulator.offset = window.endOffset
        }
        return accumulator
    }
}
