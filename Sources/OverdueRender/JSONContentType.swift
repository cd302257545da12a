import Mustache

/// `{{% CONTENT_TYPE: JSON}}`: values are escaped for a JSON string, so a
/// webhook template writes `"name": "{{customer.name}}"` and any quote or
/// line break in the data stays inside the string.
struct JSONContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"  // keeps the payload safe to embed in HTML
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Registered once, before any template is parsed (the pragma is
    /// resolved at parse time).
    static let registered: Void = MustacheContentTypes.register(JSONContentType(), named: "JSON")
}
