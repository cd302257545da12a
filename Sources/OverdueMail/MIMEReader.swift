// A small, tolerant RFC 5322 / MIME (RFC 2045–2047, 2231, 3462, 3464)
// reader for one message read back from the feedback mailbox. Written by
// hand because none of the packages overdue may use (swift-mustache,
// swift-argument-parser, swift-log, swift-crypto, TOMLKit, SwiftCSV,
// swift-service-lifecycle) parses MIME, and Foundation does not either.
// It reads only what classifying bounces and replies needs: headers, the
// part tree, transfer encodings, charsets, and encapsulated messages. It
// is total: broken input gives a best-effort tree plus `defects`, never a
// crash, and depth and part count are bounded so no input can make it
// loop or recurse without end.

/// One message or MIME part.
public struct MIMEEntity: Sendable, Equatable {
    public var headers: MIMEHeaders
    /// "type/subtype", lower case; the RFC 2045 default when absent or unreadable.
    public var mediaType: String
    /// Content-Type parameters, names lower case.
    public var parameters: [String: String]
    /// The body with its Content-Transfer-Encoding undone; empty for
    /// multiparts and encapsulated messages (their content is in `parts`).
    public var body: [UInt8]
    /// Children of a multipart; for message/rfc822 and text/rfc822-headers
    /// the one encapsulated message (headers only for the latter).
    public var parts: [MIMEEntity]
    /// What was wrong with the input here (unterminated multipart, limits
    /// reached), for the log. Empty for well-formed input.
    public var defects: [String]

    public var isMultipart: Bool { mediaType.hasPrefix("multipart/") }
    /// message/rfc822 or a returned header block (text/rfc822-headers).
    public var isEncapsulatedMessage: Bool { MIMEReader.encapsulatedTypes.contains(mediaType) }
    public var charset: String? { parameters["charset"] }
    /// The body decoded from its charset (see `MIMEDecoding.decode`).
    public var text: String { MIMEDecoding.decode(body, charset: charset) }

    /// This entity and all below it, depth first. With
    /// `intoEncapsulated: false` the walk does not enter returned messages,
    /// so a bounce's own parts are not confused with the parts of the
    /// message it returns.
    public func walk(intoEncapsulated: Bool = true) -> [MIMEEntity] {
        var out: [MIMEEntity] = []
        var stack: [MIMEEntity] = [self]
        while let entity = stack.popLast() {
            out.append(entity)
            if entity.isEncapsulatedMessage, !intoEncapsulated { continue }
            stack.append(contentsOf: entity.parts.reversed())
        }
        return out
    }

    /// Every defect in the tree.
    public var allDefects: [String] { walk().flatMap(\.defects) }
}

public enum MIMEReader {
    public struct Limits: Sendable, Equatable {
        /// Nesting of multiparts and encapsulated messages.
        public var maxDepth: Int
        /// Entities in the whole tree.
        public var maxParts: Int

        public init(maxDepth: Int = 16, maxParts: Int = 500) {
            self.maxDepth = maxDepth
            self.maxParts = maxParts
        }
    }

    public static let encapsulatedTypes: Set<String> = ["message/rfc822", "message/global", "text/rfc822-headers",
                                                 "message/rfc822-headers", "message/global-headers"]

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) -> MIMEEntity {
        var budget = max(1, limits.maxParts)
        return entity(bytes[...], depth: 0, defaultType: "text/plain", limits: limits, budget: &budget)
    }

    private static func entity(_ bytes: ArraySlice<UInt8>, depth: Int, defaultType: String, limits: Limits,
                               budget: inout Int) -> MIMEEntity {
        budget -= 1
        let (headers, bodyStart) = MIMEHeaders.parse(bytes)
        let raw = Array(bytes[bodyStart...])
        let declared = headers["Content-Type"].flatMap(ContentType.init)
        let type = declared ?? ContentType(mediaType: defaultType, parameters: defaultType.hasPrefix("text/")
            ? ["charset": "us-ascii"] : [:])
        let encoding = headers["Content-Transfer-Encoding"]
        var result = MIMEEntity(headers: headers, mediaType: type.mediaType, parameters: type.parameters,
                                body: [], parts: [], defects: [])
        if headers["Content-Type"] != nil, declared == nil {
            result.defects.append("unreadable Content-Type \"\(headers["Content-Type"] ?? "")\"; read as \(defaultType)")
        }

        if result.isMultipart || result.isEncapsulatedMessage {
            guard depth < limits.maxDepth, budget > 0 else {
                result.defects.append("\(result.mediaType) not opened: nesting or part limit reached")
                result.body = raw
                return result
            }
        }
        if result.isMultipart {
            // Base64 around a multipart is invalid but seen; undo it rather than split garbage.
            let content = MIMEDecoding.transferDecode(raw, encoding: encoding)
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                result.defects.append("\(result.mediaType) without a boundary; read as text")
                result.mediaType = "text/plain"
                result.body = content
                return result
            }
            let split = splitMultipart(content[...], boundary: Array(boundary.utf8))
            if split.parts.isEmpty {
                result.defects.append("multipart boundary \"\(boundary)\" never occurs; read as text")
                result.mediaType = "text/plain"
                result.body = content
                return result
            }
            if !split.closed { result.defects.append("multipart boundary \"\(boundary)\" is not closed") }
            let childDefault = result.mediaType == "multipart/digest" ? "message/rfc822" : "text/plain"
            for part in split.parts {
                guard budget > 0 else {
                    result.defects.append("part limit (\(limits.maxParts)) reached; later parts skipped")
                    break
                }
                result.parts.append(entity(part, depth: depth + 1, defaultType: childDefault, limits: limits,
                                           budget: &budget))
            }
            return result
        }
        if result.isEncapsulatedMessage {
            let content = MIMEDecoding.transferDecode(raw, encoding: encoding)
            result.parts = [entity(content[...], depth: depth + 1, defaultType: "text/plain", limits: limits,
                                   budget: &budget)]
            return result
        }
        result.body = MIMEDecoding.transferDecode(raw, encoding: encoding)
        if encoding?.lowercased().trimmingASCIIWhitespace() == "base64", let problem = MIMEDecoding.base64Problem(raw) {
            result.defects.append(problem)
        }
        return result
    }

    /// The parts between "--boundary" lines (RFC 2046 §5.1.1); the preamble
    /// before the first and the epilogue after "--boundary--" are dropped.
    /// A delimiter line is the boundary exactly, followed by "--" or only
    /// blanks, so an inner boundary that merely starts with the outer one
    /// is not mistaken for it. Without a closing line the last part runs
    /// to the end (`closed` is then false).
    public static func splitMultipart(_ bytes: ArraySlice<UInt8>, boundary: [UInt8]) -> (parts: [ArraySlice<UInt8>], closed: Bool) {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if bytes[index...].starts(with: delimiter) {
                let rest = bytes[(index + delimiter.count)..<lineEnd]
                let closing = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                if closing || rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        // The line break before a delimiter belongs to the delimiter.
                        var end = index
                        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
                        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                        parts.append(bytes[start..<max(start, end)])
                    }
                    if closing { return (parts, true) }
                    partStart = next
                }
            }
            index = next
        }
        if let start = partStart { parts.append(bytes[start..<bytes.endIndex]) }
        return (parts, false)
    }
}
