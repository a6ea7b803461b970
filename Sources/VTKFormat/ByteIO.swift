// Little-endian fixed-width encoding and bounds-checked decoding of the .vtk byte layout.
// Every read checks the remaining length first (no arithmetic that can overflow), and throws
// a VTKFormatError naming the field and the absolute file offset.

/// Appends little-endian values to a byte array (the one byte writer of the project: the
/// container and the audio record coded by Codec use it).
public struct ByteWriter {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt16(i)))) } }
    public mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    public mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func f32(_ v: Float) { u32(v.bitPattern) }
    public mutating func raw<C: Collection>(_ v: C) where C.Element == UInt8 { bytes.append(contentsOf: v) }
    /// A UTF-8 string: u32 byte length, then the bytes (no terminator).
    public mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads little-endian values from a byte slice that starts at `baseOffset` in the file; every
/// failure is a `VTKFormatError` naming the field, the location and the file offset.
public struct ByteReader {
    let bytes: ArraySlice<UInt8>
    private(set) var position: Int
    let baseOffset: Int
    let file: String
    let location: String

    public init(_ bytes: ArraySlice<UInt8>, baseOffset: Int, file: String, location: String) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.baseOffset = baseOffset
        self.file = file
        self.location = location
    }

    public var remaining: Int { bytes.endIndex - position }
    public var isAtEnd: Bool { position == bytes.endIndex }
    /// Absolute file offset of the next byte.
    public var fileOffset: Int { baseOffset + (position - bytes.startIndex) }

    public func error(_ message: String, kind: VTKFormatError.Kind = .malformed) -> VTKFormatError {
        VTKFormatError(kind, file: file, location: location, offset: fileOffset, message)
    }

    public mutating func take(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw error("\(field) needs \(count) bytes but only \(remaining) remain")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    public mutating func u8(_ field: String) throws -> UInt8 { try take(1, field).first! }
    public mutating func u16(_ field: String) throws -> UInt16 { UInt16(truncatingIfNeeded: try uint(2, field)) }
    public mutating func u32(_ field: String) throws -> UInt32 { UInt32(truncatingIfNeeded: try uint(4, field)) }
    public mutating func u64(_ field: String) throws -> UInt64 { try uint(8, field) }
    public mutating func i64(_ field: String) throws -> Int64 { Int64(bitPattern: try uint(8, field)) }
    public mutating func f32(_ field: String) throws -> Float { Float(bitPattern: try u32(field)) }

    private mutating func uint(_ width: Int, _ field: String) throws -> UInt64 {
        let slice = try take(width, field)
        var value: UInt64 = 0
        for (i, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }

    /// A u32 that must lie in `range`, as an Int.
    public mutating func count(_ field: String, in range: ClosedRange<Int>) throws -> Int {
        let start = fileOffset
        let value = try u32(field)
        guard range.contains(Int(value)) else {
            throw VTKFormatError(.malformed, file: file, location: location, offset: start,
                                 "\(field) is \(value), expected \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(value)
    }

    /// A length-prefixed UTF-8 string of at most `maxBytes` bytes.
    public mutating func string(_ field: String, maxBytes: Int) throws -> String {
        let length = try count("\(field) length", in: 0...maxBytes)
        let start = fileOffset
        let raw = try take(length, field)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw VTKFormatError(.malformed, file: file, location: location, offset: start,
                                 "\(field) is not valid UTF-8")
        }
        return s
    }

    public func expectEnd() throws {
        guard isAtEnd else { throw error("\(remaining) unexpected bytes at the end") }
    }
}
