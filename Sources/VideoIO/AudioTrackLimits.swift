import CFFmpeg

/// What an audio track may hold before a muxer sees it. A track read back from a file is
/// untrusted: its packets go to libavformat, which trusts its caller, so every field is held
/// to the range a real demuxer produces (docs/FORMAT.md, "Audio record", lists them).
extension AudioTrack {
    /// The AVPacket flags a stored packet may carry: key frame, corrupt, discard, disposable.
    /// Any other bit (AV_PKT_FLAG_TRUSTED above all, which lets a muxer follow pointers out
    /// of the packet) is refused on reading and dropped on compressing.
    public static let storableFlags: Int32 = AV_PKT_FLAG_KEY | AV_PKT_FLAG_CORRUPT
        | AV_PKT_FLAG_DISCARD | AV_PKT_FLAG_DISPOSABLE
    /// Largest magnitude of a timestamp or duration, in time-base units (2^53: exact as a
    /// double, and far from overflow when rescaled or incremented).
    public static let timestampLimit: Int64 = 1 << 53
    /// Largest packet and extradata size (16 MiB; a real audio packet is a few KiB).
    public static let byteLimit = 1 << 24
    /// Channel counts FFmpeg's audio codecs accept.
    public static let channelRange = 1...255
    /// Sample rates (1 Hz to 1 MHz; FLAC's maximum is 655,350 Hz).
    public static let sampleRateRange = 1...1_000_000
    /// Frame size, initial padding and block alignment.
    public static let sampleCountLimit = 1 << 20

    /// Why this track cannot be given to a muxer as it is; nil when it can.
    public var muxingProblem: String? {
        guard Self.sampleRateRange.contains(sampleRate) else { return "audio sample rate \(sampleRate) is outside \(Self.sampleRateRange)" }
        guard Self.channelRange.contains(channels) else { return "audio channel count \(channels) is outside \(Self.channelRange)" }
        guard channelMask == 0 || channelMask.nonzeroBitCount == channels else {
            return "audio channel mask has \(channelMask.nonzeroBitCount) channels but the track \(channels)"
        }
        for (name, value) in [("frame size", frameSize), ("initial padding", initialPadding), ("block align", blockAlign)]
        where !(0...Self.sampleCountLimit).contains(value) {
            return "audio \(name) \(value) is outside 0...\(Self.sampleCountLimit)"
        }
        guard (0...Int(Int32.max)).contains(bitRate) else { return "audio bit rate \(bitRate) is out of range" }
        guard (1...Int(Int32.max)).contains(timeBase.num), (1...Int(Int32.max)).contains(timeBase.den) else {
            return "audio time base \(timeBase.num)/\(timeBase.den) is out of range"
        }
        guard extradata.count <= Self.byteLimit else { return "audio extradata of \(extradata.count) bytes is too large" }
        for (index, packet) in packets.enumerated() {
            if let problem = packet.muxingProblem { return "audio packet \(index): \(problem)" }
        }
        return nil
    }
}

extension AudioTrack.Packet {
    /// Why this packet cannot be muxed; nil when it can.
    var muxingProblem: String? {
        guard flags & ~AudioTrack.storableFlags == 0 else {
            return "flags 0x\(String(UInt32(bitPattern: flags), radix: 16)) hold bits outside 0x"
                + String(AudioTrack.storableFlags, radix: 16)
        }
        let limit = AudioTrack.timestampLimit
        for (name, value) in [("pts", pts), ("dts", dts)] {
            if let value, !(-limit...limit).contains(value) { return "\(name) \(value) is out of range" }
        }
        guard (0...limit).contains(duration) else { return "duration \(duration) is out of range" }
        guard data.count <= AudioTrack.byteLimit else { return "size \(data.count) is over \(AudioTrack.byteLimit) bytes" }
        return nil
    }

    /// The packet as vtkc stores it: unknown flag bits dropped, a negative duration as 0
    /// (unknown). Demuxed packets go through this before they are kept.
    var storable: AudioTrack.Packet {
        var packet = self
        packet.flags &= AudioTrack.storableFlags
        packet.duration = max(0, duration)
        return packet
    }
}
