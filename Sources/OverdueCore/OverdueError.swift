import OverdueCalendar
/// An error a person or a script meets: `code` says which, `description`
/// says what happened and how to fix it. The CLI prints each one as
/// `overdue: error[CODE]: description` and exits 1, so a script matches the
/// code, not the words (which may improve).
///
/// The codes are `ErrorCode`'s.
/// Every error code overdue prints, with what it means: the one list the
/// CLI, the README's table (checked by `ErrorCodeTests`) and scripts rely
/// on. Kebab-case, area first; a code never changes once released.
public enum ErrorCode: String, CaseIterable, Sendable {
    case configInvalid = "config-invalid"
    case templateInvalid = "template-invalid"
    case templateRender = "template-render"
    case holidaysInvalid = "holidays-invalid"
    case credentialsUnreadable = "credentials-unreadable"
    case webhookSecretInvalid = "webhook-secret-invalid"
    case spoolLocked = "spool-locked"
    case spoolOwner = "spool-owner"
    case spoolIO = "spool-io"
    case spoolMissing = "spool-missing"
    case spoolNoInbox = "spool-no-inbox"
    case journalDamaged = "journal-damaged"
    case inboxFieldInvalid = "inbox-field-invalid"
    case inboxEInvoiceRefused = "inbox-einvoice-refused"
    case inboxStatementRefused = "inbox-statement-refused"
    case inboxWatch = "inbox-watch"
    case reloadRefused = "reload-refused"
    case feedbackForward = "feedback-forward"
    case feedbackNothingToUndo = "feedback-nothing-to-undo"
    case handoffBundleExists = "handoff-bundle-exists"
    case forgetChased = "forget-chased"
    case notFound = "not-found"
    case previewStage = "preview-stage"
    case statementEntryUnknown = "statement-entry-unknown"
    case statementInvoiceUnknown = "statement-invoice-unknown"
    case statementCurrencyMismatch = "statement-currency-mismatch"
    case statementAmountInvalid = "statement-amount-invalid"
    /// An error of a library or the system that carries no code of ours.
    case failed = "failed"

    /// What it means, for the README's table.
    public var meaning: String {
        switch self {
        case .configInvalid: "the configuration file cannot be used; each line names the key and the fix"
        case .templateInvalid: "a template file cannot be parsed, or a language lacks one"
        case .templateRender: "a letter could not be rendered from its template"
        case .holidaysInvalid: "a holiday calendar file (iCalendar) cannot be read"
        case .credentialsUnreadable: "a credentials file is missing, unreadable or malformed"
        case .webhookSecretInvalid: "the webhook signing secret is not \"whsec_\" and base64"
        case .spoolLocked: "another overdue process holds the spool (a daemon running, or a second run)"
        case .spoolOwner: "the command runs as a user who is not the spool's owner"
        case .spoolIO: "reading or writing the spool failed (disk full, permissions)"
        case .spoolMissing: "there is no spool yet at spool.dir"
        case .spoolNoInbox: "the spool has no inbox directory to drop into"
        case .journalDamaged: "a ledger or delivery journal line cannot be read"
        case .inboxFieldInvalid: "an inbox record has a field that is missing or wrong"
        case .inboxEInvoiceRefused: "an e-invoice (XML or hybrid PDF) cannot be read or is refused as unsafe"
        case .inboxStatementRefused: "a bank statement cannot be read"
        case .inboxWatch: "the inbox cannot be watched (inotify): the daemon does not start"
        case .reloadRefused: "SIGHUP with a configuration that cannot be taken; the old one stays"
        case .feedbackForward: "a debtor's reply could not be forwarded to forward_to"
        case .feedbackNothingToUndo: "undo-feedback names a message that did nothing to undo"
        case .handoffBundleExists: "the hand-off bundle's directory exists already: move it, or choose another --to"
        case .forgetChased: "forget refused: the customer still owes and is being reminded (--force)"
        case .notFound: "the invoice, customer, key or message named is not there"
        case .previewStage: "preview --stage names no stage of the invoice's policy"
        case .statementEntryUnknown: "assign or dismiss names no listed bank credit"
        case .statementInvoiceUnknown: "assign names no invoice in the ledger"
        case .statementCurrencyMismatch: "assign puts a credit on an invoice in another currency"
        case .statementAmountInvalid: "assign's --amount is not more than 0 and at most the credit (or what was paid)"
        case .failed: "an error without a code of ours (the text says what happened)"
        }
    }
}

public protocol OverdueError: Error, CustomStringConvertible {
    var code: ErrorCode { get }
}

extension OverdueError {
    /// The lines the CLI prints, one per line of the description (a
    /// configuration with three problems is three lines, each with the code).
    public var errorLines: [String] {
        description.split(separator: "\n", omittingEmptySubsequences: true).map { "error[\(code.rawValue)]: \($0)" }
    }
}

extension FieldProblem: OverdueError {
    public var code: ErrorCode { .inboxFieldInvalid }
}

extension EInvoiceReader.Refusal: OverdueError {
    public var code: ErrorCode { .inboxEInvoiceRefused }
}

extension StatementError: OverdueError {
    public var code: ErrorCode { .inboxStatementRefused }
}

extension ICalendarError: OverdueError {
    public var code: ErrorCode { .holidaysInvalid }
}
