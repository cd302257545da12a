import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool
import OverdueTransports

/// The transport of each configured channel, built once from the config
/// (secrets are read here, so a missing credentials file stops the start).
package struct TransportSet {
    var email: Transport
    var sms: Transport?
    var webhook: Transport?
    /// Always there: a call stage needs no configuration.
    let call: Transport
    var rates: [Channel: RateLimits] = [:]
    /// The longest transfer timeout of any channel (the watchdog allows it).
    var longestTimeout = 30
    /// Transfers in flight per channel at most (the rest wait their turn, so
    /// a stop request leaves them unstarted).
    var concurrency: [Channel: Int] = [.email: 8]

    /// `logger` gets each delivery attempt at debug (the transports' and curl's lines).
    package init(config: Config, spool: Spool, logger: Logger) throws {
        call = CallListTransport(logger: logger)
        if let email = config.email {
            let credentials = try email.credentialsFile.map { try Credentials(file: $0, key: "channels.email.credentials_file") }
            self.email = SMTPTransport(settings: .init(
                url: email.url, requireTLS: email.starttls == .required, credentials: credentials, caFile: email.caFile,
                timeoutSeconds: email.timeoutSeconds, maxConnections: email.maxConnections), logger: logger)
            rates[.email] = email.rates
            longestTimeout = max(longestTimeout, email.timeoutSeconds)
            concurrency[.email] = email.maxConnections
        } else {
            self.email = try MaildirTransport(root: spool.mail, logger: logger)
        }
        if let sms = config.sms {
            let credentials = try sms.credentialsFile.map { try Credentials(file: $0, key: "channels.sms.credentials_file") }
            let gateway: SMSTransport.Gateway
            switch sms.gateway {
            case .twilio: gateway = .twilio(account: sms.account ?? credentials?.user ?? "", messagingServiceSID: sms.messagingServiceSID)
            case .vonage: gateway = .vonage
            case .http:
                var generic = SMSTransport.GenericGateway()
                generic.method = sms.http.method
                generic.body = SMSTransport.GenericGateway.Body(rawValue: sms.http.body) ?? .form
                generic.fields = sms.http.fields
                generic.auth = SMSTransport.GenericGateway.Auth(rawValue: sms.http.auth) ?? .basic
                generic.successStatus = Set(sms.http.successStatus)
                generic.idField = sms.http.idField
                generic.optOutStatus = Set(sms.http.optOutStatus)
                generic.retryStatus = Set(sms.http.retryStatus)
                gateway = .generic(generic)
            }
            self.sms = SMSTransport(settings: .init(gateway: gateway, url: sms.url, from: sms.from, credentials: credentials,
                                                    timeoutSeconds: sms.timeoutSeconds, maxConnections: sms.maxConnections),
                                    logger: logger)
            rates[.sms] = sms.rates
            longestTimeout = max(longestTimeout, sms.timeoutSeconds)
            concurrency[.sms] = sms.maxConnections
        }
        if let webhook = config.webhook {
            let secret = try Credentials.secret(from: webhook.secretFile, key: "channels.webhook.secret_file")
            self.webhook = try WebhookTransport(settings: .init(url: webhook.url, secret: secret, timeoutSeconds: webhook.timeoutSeconds,
                                                                maxConnections: webhook.maxConnections),
                                                logger: logger)
            rates[.webhook] = webhook.rates
            longestTimeout = max(longestTimeout, webhook.timeoutSeconds)
            concurrency[.webhook] = webhook.maxConnections
        }
    }

    package func transport(for channel: Channel) -> Transport? {
        switch channel {
        case .email: email
        case .sms: sms
        case .webhook: webhook
        case .call: call
        }
    }
}
