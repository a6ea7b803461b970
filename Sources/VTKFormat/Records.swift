// Record framing: u32 type, u64 payload length, payload, u32 CRC-32 of the type, length and
// payload bytes. docs/FORMAT.md, "Records".

/// Record types of format version 1.
enum RecordType: UInt32 {
    /// One group of `groupLength` frames: the latents of all its tiles.
    case group = 1
    /// The source's audio track, opaque to the container (Codec's `AudioTrack.serialized()`).
    case audio = 2
    /// The last record: u64 group count, u32 audio record count.
    case end = 3
}

enum Records {
    /// Bytes of the type and length fields.
    static let headLength = 12
    /// Bytes of framing around a payload (type, length, CRC).
    static let overhead = 16
    /// Payload length of the end record.
    static let endPayloadLength = 12

    /// A framed record.
    static func frame(_ type: RecordType, _ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(payload.count + overhead)
        w.u32(type.rawValue)
        w.u64(UInt64(payload.count))
        w.raw(payload)
        w.u32(CRC32.checksum(w.bytes))
        return w.bytes
    }

    static func endPayload(groups: Int, audioRecords: Int) -> [UInt8] {
        var w = ByteWriter()
        w.u64(UInt64(groups))
        w.u32(UInt32(audioRecords))
        return w.bytes
    }
}
