/// Lower-case hexadecimal of bytes, for digests in ids, keys and file
/// names. One place, by table: `String(format: "%02x")` per byte goes
/// through Foundation's formatter and showed up when planning thousands of
/// sends.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
