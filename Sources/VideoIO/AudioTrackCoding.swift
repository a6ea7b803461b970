/// The serialized form of an AudioTrack, version 1. All integers little-endian:
///
///     magic "VTKA" (4 bytes), version u16 = 1
///     codec name: u16 length + UTF-8 bytes
///     sample rate u32, channels u16, channel mask u64, frame size u32, initial padding u32,
///     bit rate u64, block align u32, time base num i32, time base den i32 (both > 0)
///     extradata: u32 length + bytes
///     packet count u32, then per packet:
///         has-timestamps u8 (bit 0: pts present, bit 1: dts present; other bits 0),
///         pts i64, dts i64 (0 when absent), duration i64, flags i32, size u32 + bytes
///
/// Parsing checks every length against the bytes left and refuses unknown versions, bad
/// values and trailing bytes.
extension AudioTrack {
    static let magic: [UInt8] = Array("VTKA".utf8)
    static let formatVersion: UInt16 = 1

    /// The track in the versioned byte format above.
    public func serialized() -> [UInt8] {
        var out = ByteWriter()
        out.bytes += Self.magic
        out.u16(Self.formatVersion)
        let name = Array(codecName.utf8.prefix(Int(UInt16.max)))
        out.u16(UInt16(name.count))
        out.bytes += name
        out.u32(UInt32(clamping: sampleRate))
        out.u16(UInt16(clamping: channels))
        out.u64(channelMask)
        out.u32(UInt32(clamping: frameSize))
        out.u32(UInt32(clamping: initialPadding))
        out.u64(UInt64(clamping: bitRate))
        out.u32(UInt32(clamping: blockAlign))
        out.u32(UInt32(bitPattern: Int32(clamping: timeBase.num)))
        out.u32(UInt32(bitPattern: Int32(clamping: timeBase.den)))
        out.u32(UInt32(clamping: extradata.count))
        out.bytes += extradata
        out.u32(UInt32(clamping: packets.count))
        for packet in packets {
            out.bytes.append((packet.pts == nil ? 0 : 1) | (packet.dts == nil ? 0 : 2))
            out.u64(UInt64(bitPattern: packet.pts ?? 0))
            out.u64(UInt64(bitPattern: packet.dts ?? 0))
            out.u64(UInt64(bitPattern: packet.duration))
            out.u32(UInt32(bitPattern: packet.flags))
            out.u32(UInt32(clamping: packet.data.count))
            out.bytes += packet.data
        }
        return out.bytes
    }

    /// Parses the byte format above; throws `VideoIOError.malformedAudioTrack` on any
    /// malformed, truncated or trailing data.
    public init(serialized bytes: [UInt8]) throws {
        var input = ByteReader(bytes: bytes)
        guard try input.take(4) == Self.magic else { throw input.fail("bad magic") }
        let version = try input.u16()
        guard version == Self.formatVersion else {
            throw input.fail("unsupported version \(version) (this build reads version \(Self.formatVersion))")
        }
        let nameBytes = try input.take(Int(try input.u16()))
        guard let name = String(validating: nameBytes, as: UTF8.self), !name.isEmpty else {
            throw input.fail("codec name is empty or not UTF-8")
        }
        let sampleRate = Int(try input.u32())
        let channels = Int(try input.u16())
        let mask = try input.u64()
        let frameSize = Int(try input.u32())
        let padding = Int(try input.u32())
        let bitRate = try input.u64()
        let blockAlign = Int(try input.u32())
        let tbNum = Int32(bitPattern: try input.u32())
        let tbDen = Int32(bitPattern: try input.u32())
        guard sampleRate > 0, channels > 0, tbNum > 0, tbDen > 0, bitRate <= UInt64(Int64.max) else {
            throw input.fail("sample rate, channel count and time base must be positive")
        }
        let extradata = try input.take(Int(try input.u32()))
        let count = Int(try input.u32())
        let minimumPacketBytes = 1 + 8 + 8 + 8 + 4 + 4
        guard count <= input.remaining / minimumPacketBytes else {
            throw input.fail("packet count \(count) exceeds the data")
        }
        var packets: [Packet] = []
        packets.reserveCapacity(count)
        for _ in 0..<count {
            let present = try input.take(1)[0]
            guard present & ~3 == 0 else { throw input.fail("bad timestamp flags \(present)") }
            let pts = Int64(bitPattern: try input.u64())
            let dts = Int64(bitPattern: try input.u64())
            let duration = Int64(bitPattern: try input.u64())
            let flags = Int32(bitPattern: try input.u32())
            let data = try input.take(Int(try input.u32()))
            packets.append(Packet(pts: present & 1 != 0 ? pts : nil, dts: present & 2 != 0 ? dts : nil,
                                  duration: duration, flags: flags, data: data))
        }
        guard input.remaining == 0 else { throw input.fail("\(input.remaining) trailing bytes") }
        self.init(codecName: name, sampleRate: sampleRate, channels: channels, channelMask: mask,
                  extradata: extradata, frameSize: frameSize, initialPadding: padding,
                  bitRate: Int(bitRate), blockAlign: blockAlign,
                  timeBase: Rational(num: Int(tbNum), den: Int(tbDen)), packets: packets)
    }
}

/// Appends little-endian integers to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
}

/// Reads little-endian integers from a byte array, checking every length.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    func fail(_ detail: String) -> VideoIOError {
        .malformedAudioTrack(detail: "\(detail) at byte \(offset)")
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw fail("needs \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u16() throws -> UInt16 { UInt16(try uint(2)) }
    mutating func u32() throws -> UInt32 { UInt32(try uint(4)) }
    mutating func u64() throws -> UInt64 { try uint(8) }

    private mutating func uint(_ size: Int) throws -> UInt64 {
        let raw = try take(size)
        return raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
