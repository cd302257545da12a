import Foundation
import OverdueCalendar

/// The rules that pause an invoice, in one place: the planner, `state`,
/// the call list and the hand-off selection all ask these.
extension LedgerEntry {
    /// In dispute: from a `dispute` to the `resolve` after it, in the order
    /// they were recorded. Their dates are what the letters and the interest
    /// periods say (`disputePeriods`), not when the pause starts or ends: the
    /// planner re-plans when an event arrives, not on a date.
    public var isDisputed: Bool { disputed }

    /// Paused by a promise to pay on `day`: through the promised date.
    public func isPromised(on day: CalendarDate) -> Bool {
        promisedUntil.map { day <= $0 } ?? false
    }

    /// The day the invoice's own ladder resumes after a promise: the day
    /// after its date, plus the policy's `promise_grace_days` (a broken
    /// promise's letter comes first then).
    public func promiseResumes(graceDays: Int?) -> CalendarDate? {
        promisedUntil.map { $0.adding(days: 1 + (graceDays ?? 0)) }
    }
}
