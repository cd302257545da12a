import OverdueConfig
import OverdueCore

extension Config {
    /// The planner's view of the configuration. E-mail is always on (the
    /// embedded Maildir when there is no `[channels.email]`), and so is the
    /// call list (it needs nothing); SMS and webhooks only when their
    /// sections are present.
    public var plannerSettings: PlannerSettings {
        var channels: Set<Channel> = [.email, .call]
        if sms != nil { channels.insert(.sms) }
        if webhook != nil { channels.insert(.webhook) }
        var settings = PlannerSettings(policies: policies, schedule: schedule, enabledChannels: channels,
                                       webhookEndpoint: webhook?.url, thankAfterPayment: schedule.thankAfterPayment)
        settings.zoneCountries = ZoneCountries.table
        settings.paymentsStaleAfterHours = schedule.paymentsStaleAfterHours
        settings.approvalExpiresDays = schedule.approvalExpiresDays
        settings.copyWindowHours = daemon.retryLifetimeHours
        return settings
    }
}
