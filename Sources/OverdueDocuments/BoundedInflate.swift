import CZlib

/// FlateDecode (zlib, RFC 1950) with a cap on what it may produce.
///
/// qpdf's C API decodes a stream whole into memory, with no limit, so a
/// "FlateDecode bomb" (a few kilobytes that inflate to gigabytes) would be
/// decoded in full before overdue could look at the size. The embedded
/// e-invoice is therefore taken raw from qpdf and inflated here, in 64 KiB
/// steps, stopping as soon as the output passes the cap.
enum BoundedInflate {
    enum Failure: Error, Equatable {
        case tooLarge(limit: Int)
        case corrupt(String)
    }

    static func inflate(_ input: [UInt8], limit: Int, keepPartial: Bool = false, produced total: UnsafeMutablePointer<Int>? = nil) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let overLimit: Int32 = -1_000  // not a zlib code
        var output: [UInt8] = []
        var count = 0
        defer { total?.pointee = count }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = UInt32(chunkBuffer.count)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (code, chunkBuffer.count - Int(stream.avail_out))
                }
                count += produced
                if count > limit { return overLimit }
                if total == nil { output += chunk[0..<produced] }  // a caller that only counts keeps nothing
                switch code {
                case Z_OK where produced == 0 && stream.avail_in == 0: return Z_BUF_ERROR  // input ends mid-stream
                case Z_OK: continue
                case Z_BUF_ERROR where stream.avail_in == 0: return Z_BUF_ERROR
                default: return code
                }
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case _ where keepPartial && status != overLimit: return output
        case overLimit: throw .tooLarge(limit: limit)
        case Z_BUF_ERROR: throw .corrupt("the compressed data ends early (a file cut short?)")
        default: throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
        }
    }

    enum Prefix {
        /// The decoded bytes (none kept when only counted) and how many there were.
        case decoded([UInt8], count: Int)
        case tooLarge
    }

    /// As `inflate`, but damaged or cut-off data gives what it decoded up
    /// to the damage (qpdf's pipeline passes that on too). `keep`: false
    /// counts the output without holding it (the last stage of a check).
    static func inflatePrefix(_ input: [UInt8], limit: Int, keep: Bool) -> Prefix {
        var count = 0
        do {
            let output = try withUnsafeMutablePointer(to: &count) { pointer throws(Failure) in
                try inflate(input, limit: limit, keepPartial: true, produced: keep ? nil : pointer)
            }
            return .decoded(output, count: keep ? output.count : count)
        } catch .tooLarge {
            return .tooLarge
        } catch {
            return .decoded([], count: 0)
        }
    }
}
