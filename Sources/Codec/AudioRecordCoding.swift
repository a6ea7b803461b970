import Foundation
#if canImport(VideoIO)
import VideoIO  // scripts/fuzz.sh audio compiles this file together with VideoIO's sources
import VTKFormat
#endif

/// The .vtk audio record's payload: an `AudioTrack` in a versioned byte layout, version 1
/// (docs/FORMAT.md). All integers little-endian:
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
/// values (every field against `AudioTrack.muxingProblem`: flags outside
/// `AudioTrack.storableFlags`, timestamps beyond 2^53 ...) and trailing bytes, with the
/// container's `VTKFormatError`.
extension AudioTrack {
    static let recordMagic: [UInt8] = Array("VTKA".utf8)
    static let recordVersion: UInt16 = 1
    /// The bytes of FFmpeg's short codec names.
    static let codecNameBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)

    /// The track as an audio record payload.
    public func serialized() -> [UInt8] {
        var out = ByteWriter()
        out.raw(Self.recordMagic)
        out.u16(Self.recordVersion)
        let name = Array(codecName.utf8.prefix(Int(UInt16.max)))
        out.u16(UInt16(name.count))
        out.raw(name)
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
        out.raw(extradata)
        out.u32(UInt32(clamping: packets.count))
        for packet in packets {
            out.u8((packet.pts == nil ? 0 : 1) | (packet.dts == nil ? 0 : 2))
            out.i64(packet.pts ?? 0)
            out.i64(packet.dts ?? 0)
            out.i64(packet.duration)
            out.u32(UInt32(bitPattern: packet.flags))
            out.u32(UInt32(clamping: packet.data.count))
            out.raw(packet.data)
        }
        return out.bytes
    }

    /// Parses an audio record payload of the file `file`; throws `VTKFormatError` (malformed,
    /// location "audio record") on any malformed, truncated or trailing data.
    public init(serialized bytes: [UInt8], file: String = "") throws {
        var input = ByteReader(bytes[...], baseOffset: 0, file: file, location: "audio record")
        guard Array(try input.take(4, "magic")) == Self.recordMagic else { throw input.error("bad magic") }
        let version = try input.u16("version")
        guard version == Self.recordVersion else {
            throw input.error("unsupported version \(version) (this build reads version \(Self.recordVersion))")
        }
        let nameBytes = try input.take(Int(try input.u16("codec name length")), "codec name")
        guard let name = String(validating: nameBytes, as: UTF8.self), !name.isEmpty,
              name.utf8.allSatisfy(Self.codecNameBytes.contains) else {
            throw input.error("codec name of \(nameBytes.count) bytes is not an FFmpeg codec name (a-z, 0-9, _)")
        }
        let sampleRate = Int(try input.u32("sample rate"))
        let channels = Int(try input.u16("channels"))
        let mask = try input.u64("channel mask")
        let frameSize = Int(try input.u32("frame size"))
        let padding = Int(try input.u32("initial padding"))
        let bitRate = try input.u64("bit rate")
        let blockAlign = Int(try input.u32("block align"))
        let tbNum = Int32(bitPattern: try input.u32("time base numerator"))
        let tbDen = Int32(bitPattern: try input.u32("time base denominator"))
        guard sampleRate > 0, channels > 0, tbNum > 0, tbDen > 0, bitRate <= UInt64(Int64.max) else {
            throw input.error("sample rate, channel count and time base must be positive")
        }
        let extradata = Array(try input.take(Int(try input.u32("extradata length")), "extradata"))
        let count = Int(try input.u32("packet count"))
        let minimumPacketBytes = 1 + 8 + 8 + 8 + 4 + 4
        guard count <= input.remaining / minimumPacketBytes else {
            throw input.error("packet count \(count) exceeds the data")
        }
        var packets: [Packet] = []
        packets.reserveCapacity(count)
        for _ in 0..<count {
            let present = try input.u8("timestamp flags")
            guard present & ~3 == 0 else { throw input.error("bad timestamp flags \(present)") }
            let pts = try input.i64("pts"), dts = try input.i64("dts")
            let duration = try input.i64("duration")
            let flags = Int32(bitPattern: try input.u32("flags"))
            let data = Array(try input.take(Int(try input.u32("packet size")), "packet"))
            packets.append(Packet(pts: present & 1 != 0 ? pts : nil, dts: present & 2 != 0 ? dts : nil,
                                  duration: duration, flags: flags, data: data))
        }
        try input.expectEnd()
        let track = AudioTrack(codecName: name, sampleRate: sampleRate, channels: channels, channelMask: mask,
                  extradata: extradata, frameSize: frameSize, initialPadding: padding,
                  bitRate: Int(bitRate), blockAlign: blockAlign,
                  timeBase: Rational(num: Int(tbNum), den: Int(tbDen)), packets: packets)
        guard track.isMP4Compatible else { throw input.error("audio codec '\(name)' is not one vtkc stores") }
        if let problem = track.muxingProblem { throw input.error(problem) }
        self = track
    }
}
