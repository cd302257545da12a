import Foundation
import OverdueMail

/// Amazon SES bounce, complaint and delivery notifications as SNS sends
/// them by e-mail: a JSON object as the body instead of a DSN. Read so a
/// relay configured that way still feeds the suppression list.
enum AmazonSESNotification {
    struct Result {
        var recipients: [FeedbackRecipient]
        var messageIDs: [String]
        var explanation: String
    }

    static func read(_ body: String) -> Result? {
        guard let object = jsonObject(in: body), let type = object["notificationType"] as? String else { return nil }
        let mail = object["mail"] as? [String: Any]
        let headers = mail?["commonHeaders"] as? [String: Any]
        let messageIDs = MailAddresses.messageIDs(in: headers?["messageId"] as? String)
        switch type {
        case "Bounce":
            let bounce = object["bounce"] as? [String: Any] ?? [:]
            let bounceType = bounce["bounceType"] as? String ?? ""
            let list = bounce["bouncedRecipients"] as? [[String: Any]] ?? []
            let recipients: [FeedbackRecipient] = list.compactMap { entry in
                guard let address = (entry["emailAddress"] as? String).flatMap(MailAddresses.address(in:)) else { return nil }
                let diagnostic = DeliveryStatusReport.typedValue(entry["diagnosticCode"] as? String)
                let status = BounceRules.bestStatus(field: entry["status"] as? String, text: diagnostic?.value ?? "")
                var verdict = BounceRules.verdict(
                    action: BounceRules.Action(dsnValue: entry["action"] as? String ?? "failed", status: status),
                    primary: diagnostic?.value ?? "", secondary: nil, status: status, diagnosticType: diagnostic?.type)
                if verdict.kind == .bounce(.hard), bounceType != "Permanent" {
                    verdict = .init(kind: .bounce(.soft), reason: "\(verdict.reason) (SES bounce type \(bounceType))")
                }
                return FeedbackRecipient(address: address, kind: verdict.kind, status: status, reason: verdict.reason,
                                         diagnostic: diagnostic.map { FeedbackReport.oneLine($0.value) })
            }
            return Result(recipients: recipients, messageIDs: messageIDs,
                          explanation: "Amazon SES bounce notification (\(bounceType))")
        case "Complaint":
            let complaint = object["complaint"] as? [String: Any] ?? [:]
            let list = complaint["complainedRecipients"] as? [[String: Any]] ?? []
            let feedbackType = complaint["complaintFeedbackType"] as? String ?? "unspecified"
            let recipients = list.compactMap { ($0["emailAddress"] as? String).flatMap(MailAddresses.address(in:)) }
                .map { FeedbackRecipient(address: $0, kind: .other, reason: "spam complaint (\(feedbackType))") }
            return Result(recipients: recipients, messageIDs: messageIDs,
                          explanation: "Amazon SES complaint notification: the recipient marked the message as spam")
        case "Delivery":
            let delivery = object["delivery"] as? [String: Any] ?? [:]
            let response = delivery["smtpResponse"] as? String ?? ""
            let status = BounceRules.bestStatus(field: nil, text: response)
            let recipients = (delivery["recipients"] as? [String] ?? []).compactMap(MailAddresses.address(in:))
                .map { FeedbackRecipient(address: $0, kind: .other, status: status, reason: "delivered",
                                         diagnostic: response.isEmpty ? nil : response) }
            return Result(recipients: recipients, messageIDs: messageIDs,
                          explanation: "Amazon SES delivery notification: not a failure")
        default:
            return Result(recipients: [], messageIDs: messageIDs,
                          explanation: "Amazon SES notification of type \(type)")
        }
    }

    /// The JSON object the body starts with, up to its last "}" (SNS
    /// appends an unsubscribe footer). Line breaks are dropped first: mail
    /// transport may wrap long lines, even inside a JSON string.
    private static func jsonObject(in body: String) -> [String: Any]? {
        let trimmed = body.trimmingASCIIWhitespace()
        guard trimmed.hasPrefix("{"), trimmed.contains("\"notificationType\""),
              let last = trimmed.lastIndex(of: "}") else { return nil }
        let json = trimmed[...last].filter { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }
        return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
    }
}
