#if canImport(Glibc)
import Glibc
#endif

/// Object streams and cross-reference streams, checked before qpdf sees
/// the file.
///
/// qpdf decodes these itself, whole and with no limit, as soon as it reads
/// the cross-reference or any object stored in an object stream (the
/// catalog, at open): a 2 KB PDF whose object stream is a FlateDecode bomb
/// compressed twice grew the process by 2 GB. No qpdf API bounds that, so
/// each such stream is found in the raw bytes here and inflated under a cap
/// (stage by stage, as the embedded XML is); one that passes the cap, or is
/// encoded with a filter that cannot be bounded, refuses the file. Written
/// by hand because no library here scans PDF syntax without decoding it.
enum StructureStreams {
    /// The most one decoded stream may hold. Real invoices' are kilobytes;
    /// a 500-page report's a few MiB.
    static let limit = 64 << 20
    /// The most all the streams of one file may decode to together: many
    /// streams each just under `limit` must not make this scan the bomb.
    static let totalLimit = 512 << 20

    /// Throws a refusal for the first stream that inflates past `limit` (or
    /// all of them past `totalLimit`), and for an object or cross-reference
    /// stream encoded with anything but FlateDecode. Every FlateDecode
    /// stream is bounded, typed or not: qpdf takes a stream as an object
    /// stream because the cross-reference points into it, whatever its
    /// /Type says.
    static func check(_ bytes: [UInt8], limit: Int = limit, totalLimit: Int = totalLimit) throws(HybridPDF.Refusal) {
        var total = 0
        guard let streams = streams(in: bytes) else {
            throw HybridPDF.Refusal(description: "the PDF's stream syntax is malformed beyond repair (stream keywords without dictionaries); export the invoice again")
        }
        for found in streams {
            let dictionary = decodingNameEscapes(String(decoding: bytes[found.dictionary], as: UTF8.self))
            let kind = kind(of: dictionary)
            let filters = filterNames(in: dictionary)
            let flate = filters.allSatisfy { $0 == "/FlateDecode" || $0 == "/Fl" }
            guard flate, filters.count > 0 || !dictionary.contains("/Filter") else {
                if let kind {
                    throw HybridPDF.Refusal(description: "the PDF's \(kind) is encoded with \(filters.isEmpty ? "an indirect filter" : filters.joined(separator: " ")), which overdue does not decode unbounded; export the invoice again")
                }
                continue  // an image or font in another encoding: qpdf never decodes it for overdue
            }
            var data = Array(bytes[found.data])
            for stage in filters.indices {
                // Only a stage that feeds another keeps its output: the last is counted, never held.
                switch BoundedInflate.inflatePrefix(data, limit: limit, keep: stage < filters.count - 1) {
                case .tooLarge:
                    throw HybridPDF.Refusal(description: "the PDF's \(kind ?? "stream") decompresses to more than \(limit >> 20) MiB (a compression bomb); it was not read")
                case .decoded(let output, let count):
                    // Damaged data still feeds the next stage, as qpdf's pipeline does.
                    data = output
                    total += count
                }
                if total > totalLimit {
                    throw HybridPDF.Refusal(description: "the PDF's streams decompress to more than \(totalLimit >> 20) MiB together (a compression bomb); it was not read")
                }
            }
        }
    }

    /// PDF names may spell any byte as #hh ("/Obj#53tm" is "/ObjStm"),
    /// as qpdf reads them.
    static func decodingNameEscapes(_ text: String) -> String {
        guard text.contains("#") else { return text }
        var out = [UInt8]()
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "#"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// "object stream" or "cross-reference stream", or nil for any other stream.
    static func kind(of dictionary: String) -> String? {
        let compact = dictionary.filter { !$0.isWhitespace }
        if compact.contains("/Type/ObjStm") { return "object stream" }
        if compact.contains("/Type/XRef") { return "cross-reference stream" }
        return nil
    }

    /// The names after /Filter: one name, or an array of them.
    static func filterNames(in dictionary: String) -> [String] {
        guard let range = dictionary.range(of: "/Filter") else { return [] }
        var rest = dictionary[range.upperBound...].drop { $0.isWhitespace }
        if rest.first == "[" {
            rest = rest.dropFirst().prefix { $0 != "]" }
            return rest.split(whereSeparator: { $0.isWhitespace || $0 == "/" }).map { "/" + $0 }
        }
        guard rest.first == "/" else { return [] }  // an indirect filter: none of a real writer's
        return ["/" + rest.dropFirst().prefix { !$0.isWhitespace && !"/<>[]()".contains($0) }]
    }

    struct Found {
        var dictionary: Range<Int>
        var data: Range<Int>
    }

    /// Every `<< … >> stream … endstream` in the file: the dictionary (found
    /// by matching << and >> backwards from the keyword) and the data up to
    /// the next `endstream` (/Length is often an indirect object).
    /// nil when looking back for dictionaries costs more than a few times
    /// the file's size: in a real PDF each look stops at its own `<<`
    /// within a few hundred bytes; only hostile syntax (a million
    /// ">>stream" with no "<<") makes it quadratic.
    static func streams(in bytes: [UInt8]) -> [Found]? {
        var found: [Found] = []
        var budget = 8 * bytes.count + 1_048_576
        let complete: Bool = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            var from = 0
            var floor = 0  // no dictionary starts before the previous stream's data ends
            while let at = search("stream", in: base, count: buffer.count, from: from) {
                from = at + 6
                // "endstream" ends in "stream" too.
                guard at < 3 || !(buffer[at - 3] == UInt8(ascii: "e") && buffer[at - 2] == UInt8(ascii: "n") && buffer[at - 1] == UInt8(ascii: "d")) else { continue }
                var end = at - 1
                while end > 0, isWhitespace(buffer[end]) { end -= 1 }
                guard end > 0, buffer[end] == UInt8(ascii: ">"), buffer[end - 1] == UInt8(ascii: ">"),
                      let open = matchingOpen(buffer, closingAt: end, floor: floor, budget: &budget) else {
                    if budget < 0 { return false }
                    continue
                }
                var start = at + 6
                if start < buffer.count, buffer[start] == UInt8(ascii: "\r") { start += 1 }
                if start < buffer.count, buffer[start] == UInt8(ascii: "\n") { start += 1 }
                let stop = search("endstream", in: base, count: buffer.count, from: start) ?? buffer.count
                found.append(Found(dictionary: open..<(end + 1), data: start..<stop))
                from = stop
                floor = stop
            }
            return true
        }
        return complete ? found : nil
    }

    /// The index of the `<<` that the `>>` at `index` closes, looking back
    /// at most 64 KiB (a stream dictionary is a few hundred bytes).
    static func matchingOpen(_ buffer: UnsafeBufferPointer<UInt8>, closingAt index: Int, floor lowest: Int,
                             budget: inout Int) -> Int? {
        var depth = 0
        var position = index
        let floor = max(lowest, index - 65_536)
        while position > floor {
            budget -= 1
            if budget < 0 { return nil }
            if buffer[position] == UInt8(ascii: ">"), buffer[position - 1] == UInt8(ascii: ">") {
                depth += 1
                position -= 2
            } else if buffer[position] == UInt8(ascii: "<"), buffer[position - 1] == UInt8(ascii: "<") {
                depth -= 1
                if depth == 0 { return position - 1 }
                position -= 2
            } else {
                position -= 1
            }
        }
        return nil
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { [0, 9, 10, 12, 13, 32].contains(byte) }

    /// memchr for the first byte, then a compare (Glibc's module does not export memmem).
    static func search(_ needle: String, in base: UnsafePointer<UInt8>, count: Int, from: Int) -> Int? {
        let pattern = Array(needle.utf8)
        var position = from
        while position + pattern.count <= count {
            guard let hit = memchr(base + position, Int32(pattern[0]), count - position - pattern.count + 1) else { return nil }
            let index = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + index, pattern, pattern.count) == 0 { return index }
            position = index + 1
        }
        return nil
    }
}
