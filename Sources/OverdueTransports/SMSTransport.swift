import Curl
import Foundation
import Logging
import OverdueCore

/// SMS through an HTTP gateway: Twilio and Vonage presets, or a generic
/// gateway described in the config. A timeout or 5xx after the request went
/// out is "maybe sent" (ambiguous) and is not retried blindly.
public final class SMSTransport: Transport, Sendable {
    /// How to talk to a gateway that is neither Twilio nor Vonage.
    public struct GenericGateway: Sendable {
        public enum Body: String, Sendable { case form, json }
        public enum Auth: String, Sendable { case none, basic, bearer }
        public var method = "POST"
        public var body = Body.form
        /// Field name → template with {to}, {from}, {text}, {key}.
        public var fields: [String: String] = ["to": "{to}", "from": "{from}", "text": "{text}"]
        public var auth = Auth.basic
        public var successStatus: Set<Int> = [200, 201, 202]
        /// Dotted path of the message id in the JSON answer, e.g. "messages.0.id".
        public var idField: String?
        public var optOutStatus: Set<Int> = []
        public var retryStatus: Set<Int> = [429]

        public init() {}
    }

    public enum Gateway: Sendable {
        case twilio(account: String, messagingServiceSID: String?)
        case vonage
        case generic(GenericGateway)
    }

    public struct Settings: Sendable {
        public var gateway: Gateway
        public var url: String
        public var from: String?
        public var credentials: Credentials?
        public var timeoutSeconds: Int
        public var maxConnections: Int

        public init(gateway: Gateway, url: String, from: String?, credentials: Credentials?, timeoutSeconds: Int = 20,
                    maxConnections: Int = 4) {
            self.gateway = gateway
            self.url = url
            self.from = from
            self.credentials = credentials
            self.timeoutSeconds = timeoutSeconds
            self.maxConnections = maxConnections
        }
    }

    let settings: Settings
    let multi: MultiHandle
    let logger: Logger

    public init(settings: Settings, logger: Logger = .transportDefault) {
        self.settings = settings
        self.logger = logger
        multi = MultiHandle(label: "overdue.sms", maxConnectionsPerHost: settings.maxConnections, logger: logger)
    }

    public func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        guard case .sms(let text) = message.payload else {
            completion(.permanent(code: 0, detail: "not an SMS"))
            return
        }
        let request: CurlRequest
        switch settings.gateway {
        case .twilio(let account, let service):
            var form = [("To", message.recipient), ("Body", text)]
            if let service { form.append(("MessagingServiceSid", service)) } else { form.append(("From", settings.from ?? "")) }
            request = httpRequest(url: base + "/2010-04-01/Accounts/\(Self.pathEscape(account))/Messages.json",
                                  body: Self.formEncode(form), contentType: "application/x-www-form-urlencoded", basicAuth: true)
        case .vonage:
            var form = [("api_key", settings.credentials?.user ?? ""), ("api_secret", settings.credentials?.password ?? ""),
                        ("from", settings.from ?? ""), ("to", String(message.recipient.drop(while: { $0 == "+" }))), ("text", text)]
            if SMSText(text).encoding != .gsm7 { form.append(("type", "unicode")) }
            request = httpRequest(url: base + "/sms/json", body: Self.formEncode(form),
                                  contentType: "application/x-www-form-urlencoded", basicAuth: false)
        case .generic(let gateway):
            let values = ["to": message.recipient, "from": settings.from ?? "", "text": text, "key": message.key]
            let fields = gateway.fields.sorted { $0.key < $1.key }.map { ($0.key, Self.fill($0.value, values)) }
            let body: String
            let type: String
            switch gateway.body {
            case .form:
                body = Self.formEncode(fields)
                type = "application/x-www-form-urlencoded"
            case .json:
                let object = Dictionary(uniqueKeysWithValues: fields)
                body = String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
                type = "application/json"
            }
            var built = httpRequest(url: Self.fill(settings.url, values.mapValues(Self.formEscape)), body: body, contentType: type,
                                    basicAuth: gateway.auth == .basic)
            built.method = gateway.method == "POST" ? nil : gateway.method
            if gateway.auth == .bearer, let token = settings.credentials?.password {
                built.headers.append("Authorization: Bearer \(token)")
            }
            request = built
        }
        let easy = EasyHandle()
        do {
            try easy.configure(request)
        } catch {
            completion(.permanent(code: 0, detail: "cannot set up the request: \(error)"))
            return
        }
        let gateway = settings.gateway
        let size = request.body?.count ?? 0
        let url = request.url
        multi.add(easy) { [logger] result in
            let outcome = Self.classify(result, gateway: gateway, bodySize: size)
            logger.deliveryAttempt(message, channel: "sms", url: url, codeKey: "http.status", result: result, outcome: outcome)
            completion(outcome)
        }
    }

    private var base: String { settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url }

    private func httpRequest(url: String, body: String, contentType: String, basicAuth: Bool) -> CurlRequest {
        CurlRequest(url: url, headers: ["Content-Type: \(contentType)", "Accept: application/json", "User-Agent: overdue"],
                    body: Array(body.utf8), username: basicAuth ? settings.credentials?.user : nil,
                    password: basicAuth ? settings.credentials?.password : nil,
                    connectTimeoutMilliseconds: min(settings.timeoutSeconds, 10) * 1000,
                    timeoutMilliseconds: settings.timeoutSeconds * 1000)
    }

    static func classify(_ result: Result<CurlResponse, CurlError>, gateway: Gateway, bodySize: Int) -> DeliveryOutcome {
        let response: CurlResponse
        switch result {
        case .failure(let error):
            return HTTPOutcome.requestMayHaveArrived(error, bodySize: bodySize)
                ? .ambiguous(code: error.responseCode, detail: "no answer after the request was sent; it may have gone out: \(error.description)")
                : .transient(code: error.responseCode, detail: error.description, notBefore: nil)
        case .success(let success):
            response = success
        }
        let code = response.statusCode
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        let detail = "HTTP \(code) \(HTTPOutcome.bodyText(response))"
        if code == 401 {
            return .channelDown(code: code, detail: "the gateway refused our credentials (401): check [channels.sms] credentials_file; SMS is paused and sent again once it accepts")
        }
        if (500..<600).contains(code) { return .ambiguous(code: code, detail: "the gateway failed after receiving the request: \(detail)") }
        switch gateway {
        case .twilio:
            if code == 201 || code == 200 { return .sent(code: code, id: json?["sid"] as? String, detail: detail) }
            let errorCode = (json?["code"] as? Int) ?? Int("\(json?["code"] ?? "")") ?? 0
            if errorCode == 21610 { return .optedOut(code: errorCode, detail: "the recipient replied STOP (Twilio 21610)") }
            if code == 429 { return .transient(code: code, detail: detail, notBefore: HTTPOutcome.retryAfter(response)) }
            return .permanent(code: errorCode == 0 ? code : errorCode, detail: detail)
        case .vonage:
            // Vonage answers 200 for everything; each message has a status.
            guard code == 200, let message = (json?["messages"] as? [[String: Any]])?.first else {
                return code == 429 ? .transient(code: code, detail: detail, notBefore: HTTPOutcome.retryAfter(response))
                    : .permanent(code: code, detail: detail)
            }
            let status = Int("\(message["status"] ?? "")") ?? -1
            let text = (message["error-text"] as? String).map { ": \($0)" } ?? ""
            switch status {
            case 0: return .sent(code: 0, id: message["message-id"] as? String, detail: "Vonage status 0")
            case 1: return .transient(code: status, detail: "Vonage status 1, throttled\(text)", notBefore: nil)
            case 5: return .ambiguous(code: status, detail: "Vonage status 5, internal error\(text)")
            default: return .permanent(code: status, detail: "Vonage status \(status)\(text)")
            }
        case .generic(let generic):
            if generic.successStatus.contains(code) {
                return .sent(code: code, id: generic.idField.flatMap { lookup(json, path: $0) }, detail: detail)
            }
            if generic.optOutStatus.contains(code) { return .optedOut(code: code, detail: detail) }
            if generic.retryStatus.contains(code) { return .transient(code: code, detail: detail, notBefore: HTTPOutcome.retryAfter(response)) }
            return .permanent(code: code, detail: detail)
        }
    }

    static func lookup(_ object: Any?, path: String) -> String? {
        var current = object
        for part in path.split(separator: ".") {
            if let index = Int(part), let array = current as? [Any], index < array.count { current = array[index] }
            else if let dictionary = current as? [String: Any] { current = dictionary[String(part)] }
            else { return nil }
        }
        return current.map { "\($0)" }
    }

    /// One pass over the template: a value put in is never scanned again,
    /// so "{key}" inside a debtor's text stays text.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out.append("{")
                rest = rest[afterOpen...]
            }
        }
        return out + rest
    }

    static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
    }

    /// Only unreserved characters stay: safe in a path segment and in a
    /// query (an "&to=" in a value cannot add a parameter).
    static func formEscape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func pathEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? ""
    }
}

