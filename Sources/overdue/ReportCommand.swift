import ArgumentParser
import Foundation
import OverdueCalendar
import OverdueCore
import OverdueQueries

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Receivables and collections figures: aging, DSO, CEI, late payments, stage effectiveness, deliveries.",
        discussion: """
            DSO (simple method) = receivables at the day ÷ credit sales in the last --period days × days. \
            CEI = (opening receivables + credit sales − closing receivables) ÷ (opening receivables + credit \
            sales − closing current receivables) × 100. Stage effectiveness = share of invoices paid in full \
            within 7 days after the stage was first sent.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The day of the report (YYYY-MM-DD); default today in the schedule's timezone.", valueName: "date")) var at: String?
    @Option(help: "Days of the period for DSO and CEI.") var period = 90
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Write a self-contained HTML page with charts to this file.", valueName: "file")) var html: String?
    @Option(help: ArgumentHelp("How the HTML page formats amounts and dates (a BCP 47 tag such as en-GB or de-DE); default [brand] language.",
                               valueName: "tag")) var locale: String?

    func validate() throws {
        try DayOption.check(at, option: "--at")
        guard (1...3660).contains(period) else { throw ValidationError("--period must be from 1 to 3660 days") }
        if let locale, !Locale.availableIdentifiers.contains(locale.replacingOccurrences(of: "-", with: "_")),
           !Locale.availableIdentifiers.contains(locale) {
            throw ValidationError("--locale \(locale) is not a locale this system knows; use a tag such as en-GB, de-DE or fr-FR")
        }
    }

    func run() throws {
        let config = try global.loadConfig()
        let day = DayOption.day(at, config: config)
        try emit { try ReportView.output(config: config, day: day, periodDays: period, json: json, htmlFile: html, locale: locale) }
    }
}
