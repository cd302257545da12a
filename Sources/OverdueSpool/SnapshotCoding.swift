import Foundation

/// The snapshot's binary encoding, written by hand. JSON (or any Codable
/// format) would decode about as slowly as the journal it stands in for: a
/// million invoices through `JSONDecoder` is the very start-up time the
/// snapshot exists to avoid. Unsigned integers are LEB128 varints, signed
/// ones zigzag varints, strings a byte count and their UTF-8, optionals a
/// presence byte, collections a count and their elements.
public struct SnapshotWriter {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func uint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func count(_ value: Int) { uint(UInt64(value)) }

    public mutating func int(_ value: Int) {
        let signed = Int64(value)
        uint(UInt64(bitPattern: (signed << 1) ^ (signed >> 63)))
    }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Fixed 8 bytes, little-endian.
    public mutating func fixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ data: some Collection<UInt8>) { bytes.append(contentsOf: data) }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func optional<T>(_ value: T?, _ write: (inout SnapshotWriter, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }

    public mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }

    public mutating func array<T>(_ values: [T], _ write: (inout SnapshotWriter, T) -> Void) {
        count(values.count)
        for value in values { write(&self, value) }
    }

    /// Exact: the value's own bytes (exponent, flags, mantissa words;
    /// Foundation keeps those parts internal), trailing zero bytes left
    /// out, so a balance reads back with the digits it was written with.
    public mutating func decimal(_ value: Decimal) {
        withUnsafeBytes(of: value) { raw in
            var used = raw.count
            while used > 0, raw[used - 1] == 0 { used -= 1 }
            byte(UInt8(used))
            bytes.append(contentsOf: raw[..<used])
        }
    }

    /// The instant's exact bits.
    public mutating func date(_ value: Date) { fixed64(value.timeIntervalSinceReferenceDate.bitPattern) }
}

/// The snapshot did not decode: truncated or not what this version writes.
public struct SnapshotFormatError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Reads what `SnapshotWriter` wrote from a buffer the caller keeps alive.
/// Every read checks its bounds, so a damaged body throws rather than reads
/// past the end (the checksum catches damage first; this is the backstop).
public struct SnapshotReader {
    private let base: UnsafePointer<UInt8>
    public private(set) var position: Int
    public let end: Int

    public init(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
        position = start
        self.end = min(end ?? buffer.count, buffer.count)
    }

    public var atEnd: Bool { position >= end }

    private func need(_ count: Int) throws(SnapshotFormatError) {
        guard count >= 0, end - position >= count else { throw SnapshotFormatError("the snapshot ends early at byte \(position)") }
    }

    public mutating func byte() throws(SnapshotFormatError) -> UInt8 {
        try need(1)
        defer { position += 1 }
        return base[position]
    }

    public mutating func uint() throws(SnapshotFormatError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw SnapshotFormatError("a number overflows at byte \(position)") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    public mutating func count() throws(SnapshotFormatError) -> Int {
        let value = try uint()
        guard value <= UInt64(end - position) * 8 + 1_000_000 else { throw SnapshotFormatError("an implausible count at byte \(position)") }
        return Int(value)
    }

    public mutating func int() throws(SnapshotFormatError) -> Int {
        let raw = try uint()
        return Int(truncatingIfNeeded: Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    public mutating func bool() throws(SnapshotFormatError) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw SnapshotFormatError("a flag that is neither 0 nor 1 at byte \(position - 1)")
        }
    }

    public mutating func fixed64() throws(SnapshotFormatError) -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(base[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    public mutating func raw(_ count: Int) throws(SnapshotFormatError) -> [UInt8] {
        try need(count)
        defer { position += count }
        return Array(UnsafeBufferPointer(start: base + position, count: count))
    }

    public mutating func skip(_ count: Int) throws(SnapshotFormatError) {
        try need(count)
        position += count
    }

    public mutating func string() throws(SnapshotFormatError) -> String {
        let count = try count()
        try need(count)
        defer { position += count }
        return String(decoding: UnsafeBufferPointer(start: base + position, count: count), as: UTF8.self)
    }

    public mutating func optional<T>(_ read: (inout SnapshotReader) throws(SnapshotFormatError) -> T) throws(SnapshotFormatError) -> T? {
        try bool() ? try read(&self) : nil
    }

    public mutating func optionalString() throws(SnapshotFormatError) -> String? {
        try bool() ? try string() : nil
    }

    public mutating func array<T>(_ read: (inout SnapshotReader) throws(SnapshotFormatError) -> T) throws(SnapshotFormatError) -> [T] {
        let count = try count()
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    public mutating func decimal() throws(SnapshotFormatError) -> Decimal {
        let used = Int(try byte())
        guard used <= MemoryLayout<Decimal>.size else { throw SnapshotFormatError("a damaged decimal at byte \(position)") }
        try need(used)
        var value = Decimal()
        withUnsafeMutableBytes(of: &value) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: base + position, count: used))
        }
        position += used
        return value
    }

    public mutating func date() throws(SnapshotFormatError) -> Date {
        Date(timeIntervalSinceReferenceDate: Double(bitPattern: try fixed64()))
    }
}
