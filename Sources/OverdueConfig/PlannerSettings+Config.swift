import OverdueCore

extension Config {
    /// The planner's view of the configuration.
    public var plannerSettings: PlannerSettings {
        var settings = PlannerSettings(policies: policies, schedule: schedule, enabledChannels: enabledChannels,
                                       webhookEndpoint: webhook.map { URLLabel.redacted($0.url) })
        settings.zoneCountries = ZoneCountries.table
        settings.paymentsStaleAfterHours = schedule.paymentsStaleAfterHours
        settings.approvalExpiresDays = schedule.approvalExpiresDays
        settings.copyWindowHours = daemon.retryLifetimeHours
        settings.referenceRates = referenceRates
        settings.templateLanguages = TemplateLanguages.available(userDirectory: brand.templates)
        settings.fallbackLanguage = brand.fallbackLanguage
        return settings
    }
}
