import Foundation

/// How a configured URL is shown and stored outside the config file: without
/// `user:password@`, and with its query and fragment replaced by "…", because
/// gateways and CRMs put tokens there (`?token=…`). The delivery log, the
/// sent journal, `plan`/`show`/`log`, the hand-off bundle and `check` all
/// use this label; only the transport sees the URL itself.
public enum URLLabel {
    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.scheme != nil else { return "(unparsable URL)" }
        let hidden = parts.query != nil || parts.fragment != nil
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return (parts.string ?? "(unparsable URL)") + (hidden ? "?…" : "")
    }
}
