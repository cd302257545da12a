import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueIngest
import OverdueRender
import OverdueSpool

/// The spool as the daemon's next pass would see it, read without a lock
/// and without writing: the ledger (with the files waiting in the inbox
/// applied, as the pass reads them first), what was sent, the planner. For
/// `preview` and `run --once --dry-run`.
struct SpoolSnapshot {
    let config: Config
    let ledger: Ledger
    let history: DeliveryHistory
    /// Messages waiting for their next attempt after a transient failure.
    let deferred: [String: DeliveryJournal.Deferral]
    let planner: Planner
    /// Inbox files not yet read by the daemon, taken into account.
    let inboxFiles: Int

    init(config: Config) throws {
        let spool = Spool(root: config.spool.dir)
        guard spool.exists else {
            throw CommandFailure(code: .spoolMissing, "no spool at \(config.spool.dir); run `overdue run --once` first, or check [spool].dir")
        }
        var (ledger, committed) = try LedgerStore.replay(spool: spool)
        let waiting = Ingester.peek(spool: spool, config: config, committed: committed)
        // An invoice number another customer holds is rejected by the pass, so not applied here either.
        for record in waiting.records where ledger.identityProblem(record) == nil { ledger.apply(record) }
        self.config = config
        self.ledger = ledger
        inboxFiles = waiting.files
        let journal = try DeliveryJournal.replay(spool: spool)
        history = journal.history
        deferred = journal.deferred
        planner = Planner(settings: config.plannerSettings)
    }

    /// The daemon's message builder. Every channel renders, configured or
    /// not: `--stage` may show an SMS before its gateway is set up; unforced,
    /// the planner only plans enabled channels anyway.
    func builder() throws -> MessageBuilder {
        let templates = try TemplateSet(userDirectory: config.brand.templates)
        return MessageBuilder(config: config, templates: templates, calendars: planner.calendars, logger: Logger(label: "overdue.preview"),
                              channels: Set(Channel.allCases), documents: DocumentStore(spool: Spool(root: config.spool.dir)),
                              signer: FeedbackKeyStore(spool: Spool(root: config.spool.dir)).signerIfReadable())
    }
}
