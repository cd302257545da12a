/// An error a person or a script meets: `code` says which, `description`
/// says what happened and how to fix it. The CLI prints each one as
/// `overdue: error[CODE]: description` and exits 1, so a script matches the
/// code, not the words (which may improve).
///
/// Codes are kebab-case, area first, and never change once released:
/// `config-invalid`, `template-invalid`, `template-render`, `spool-locked`,
/// `spool-owner`, `spool-io`, `spool-missing`, `spool-no-inbox`,
/// `inbox-field-invalid`, `inbox-einvoice-refused`, `holidays-invalid`,
/// `credentials-unreadable`, `webhook-secret-invalid`, `handoff-bundle-exists`,
/// `journal-damaged` (a ledger or delivery journal line that cannot be read),
/// `reload-refused` (SIGHUP with a configuration that cannot be taken),
/// `inbox-statement-refused` (a bank statement that cannot be read),
/// and the commands' own (`CommandFailure`): `not-found`, `preview-stage`,
/// `statement-entry-unknown`, `statement-invoice-unknown`,
/// `statement-currency-mismatch`,
/// `statement-amount-invalid` (`overdue assign`).
public protocol OverdueError: Error, CustomStringConvertible {
    var code: String { get }
}

extension OverdueError {
    /// The lines the CLI prints, one per line of the description (a
    /// configuration with three problems is three lines, each with the code).
    public var errorLines: [String] {
        description.split(separator: "\n", omittingEmptySubsequences: true).map { "error[\(code)]: \($0)" }
    }
}

extension FieldProblem: OverdueError {
    public var code: String { "inbox-field-invalid" }
}

extension EInvoiceReader.Refusal: OverdueError {
    public var code: String { "inbox-einvoice-refused" }
}

extension StatementError: OverdueError {
    public var code: String { "inbox-statement-refused" }
}

extension ICalendarError: OverdueError {
    public var code: String { "holidays-invalid" }
}
