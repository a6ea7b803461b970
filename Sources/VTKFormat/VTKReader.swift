// Streaming .vtk reader. init reads and checks the header, then walks the record framing
// (types and lengths only, no payloads) so that truncation, a missing end record, wrong counts
// or lengths are reported before any latent is decoded. Payload CRCs are checked when a
// record is read, before decoding. Memory: one record at a time plus 16 bytes per group.
import Foundation

/// Byte counts of a file's parts (framing included), for `vtkc info`.
public struct VTKByteCounts: Sendable, Equatable {
    /// The whole file.
    public var file: Int
    /// Magic, version, header payload and header CRC.
    public var header: Int
    /// All group records.
    public var groups: Int
    /// The audio record (0 without audio).
    public var audio: Int
    /// The end record.
    public var end: Int
}

/// Reads a .vtk file. Usage:
///
///     let reader = try VTKReader(url: url)          // throws VTKFormatError on any defect
///     try reader.header.checkModel(sha256: loadedModelDigest)
///     while let latents = try reader.nextGroup() { ... }   // header.valuesPerGroup floats each
///     let audio = try reader.audio()               // nil when the file has none
public final class VTKReader {
    /// The parsed header.
    public let header: VTKHeader
    /// Byte counts per part.
    public private(set) var byteCounts = VTKByteCounts(file: 0, header: 0, groups: 0, audio: 0, end: 0)
    /// Number of group records (equals `header.groupCount`).
    public var groupCount: Int { groupRecords.count }
    /// Index of the group `nextGroup()` returns next.
    public private(set) var nextGroupIndex = 0

    private struct Record { let offset: Int; let length: Int }
    private let source: ByteSource
    /// The file's name in errors.
    public let name: String
    private var groupRecords: [Record] = []
    private var audioRecord: Record?
    /// Whether the audio record's CRC has been checked.
    private var audioChecked = false

    /// Opens a file; reads the header and walks the record framing.
    public convenience init(url: URL) throws {
        try self.init(source: FileSource(url: url), name: url.lastPathComponent)
    }

    /// Parses an in-memory file; `name` labels error messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws {
        try self.init(source: MemorySource(bytes), name: name)
    }

    private init(source: ByteSource, name: String) throws {
        self.source = source
        self.name = name
        let (header, headerEnd) = try VTKReader.readHeader(source, name)
        self.header = header
        var counts = VTKByteCounts(file: source.size, header: headerEnd, groups: 0, audio: 0, end: 0)
        try scanRecords(from: headerEnd, counts: &counts)
        byteCounts = counts
    }

    /// The next group's latents (tiles x tokensPerTile x latentChannels), nil after the last.
    /// Reading the file front to back checks every CRC on the way: the audio record's, when
    /// this read passes it, even for a reader that never asks for the audio.
    public func nextGroup() throws -> [Float]? {
        guard nextGroupIndex < groupRecords.count else {
            try checkAudioPassed(before: Int.max)
            return nil
        }
        try checkAudioPassed(before: groupRecords[nextGroupIndex].offset)
        let latents = try group(at: nextGroupIndex)
        nextGroupIndex += 1
        return latents
    }

    /// Group `index` (0..<groupCount), read and decoded independently of the others.
    public func group(at index: Int) throws -> [Float] {
        precondition(groupRecords.indices.contains(index), "group index \(index) out of 0..<\(groupRecords.count)")
        let record = groupRecords[index]
        let location = "group \(index) record"
        let payload = try readPayload(record, location: location)
        return try GroupCoding.decode(payload, index: index, header: header, file: name, location: location,
                                      payloadOffset: record.offset + Records.headLength)
    }

    /// The audio record's bytes (CRC-checked), or nil when the file has none.
    public func audio() throws -> [UInt8]? {
        guard let audioRecord else { return nil }
        let bytes = Array(try readPayload(audioRecord, location: "audio record"))
        audioChecked = true
        return bytes
    }

    /// CRC-checks the audio record if it lies before `offset` and was not checked yet.
    private func checkAudioPassed(before offset: Int) throws {
        guard !audioChecked, let audioRecord, audioRecord.offset < offset else { return }
        _ = try audio()
    }

    /// Reads, CRC-checks and decodes every record; throws the first defect found.
    public func verify() throws {
        for i in 0..<groupRecords.count { _ = try group(at: i) }
        _ = try audio()
    }

    private func error(_ kind: VTKFormatError.Kind, _ location: String, _ offset: Int, _ message: String) -> VTKFormatError {
        VTKFormatError(kind, file: name, location: location, offset: offset, message)
    }

    private func readPayload(_ record: Record, location: String) throws -> ArraySlice<UInt8> {
        let bytes = try source.read(at: record.offset, count: record.length + Records.overhead)
        let crcAt = bytes.startIndex + Records.headLength + record.length
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[crcAt + i]) << (8 * UInt32(i)) }
        let computed = CRC32.checksum(bytes[bytes.startIndex..<crcAt])
        guard stored == computed else {
            throw error(.crcMismatch, location, record.offset, "CRC mismatch (stored \(hex32(stored)), computed \(hex32(computed)))")
        }
        return bytes[(bytes.startIndex + Records.headLength)..<crcAt]
    }

    private static func readHeader(_ source: ByteSource, _ name: String) throws -> (VTKHeader, Int) {
        let size = source.size
        guard size > 0 else { throw VTKFormatError(.badMagic, file: name, offset: 0, "empty file, not a .vtk file") }
        let magicBytes = try source.read(at: 0, count: min(size, VTKFormat.magic.count))
        guard magicBytes.elementsEqual(VTKFormat.magic.prefix(magicBytes.count)) else {
            throw VTKFormatError(.badMagic, file: name, offset: 0,
                                 "not a .vtk file (wrong magic bytes \(Hex.string(magicBytes.prefix(8))))")
        }
        guard size >= VTKFormat.prefixLength else {
            throw VTKFormatError(.truncated, file: name, location: "header", offset: size,
                                 "file of \(size) bytes ends inside the 16-byte prefix: truncated")
        }
        var r = ByteReader(try source.read(at: 0, count: VTKFormat.prefixLength), baseOffset: 0, file: name, location: "header")
        _ = try r.take(8, "magic")
        let version = try r.u16("format version")
        guard version == VTKFormat.version else {
            throw VTKFormatError(.unsupportedVersion, file: name, offset: 8,
                                 "format version \(version) is not supported (this build reads version \(VTKFormat.version)); use a newer vtkc")
        }
        guard try r.u16("reserved") == 0 else { throw VTKFormatError(.malformed, file: name, location: "header", offset: 10, "reserved field is not 0") }
        let length = Int(try r.u32("header length"))
        guard length <= VTKFormat.maxHeaderLength else {
            throw VTKFormatError(.malformed, file: name, location: "header", offset: 12, "header length \(length) exceeds 16 MiB")
        }
        let end = VTKFormat.prefixLength + length + 4
        guard end <= size else {
            throw VTKFormatError(.truncated, file: name, location: "header", offset: size,
                                 "header of \(length) bytes runs past the end of the \(size)-byte file: truncated")
        }
        let all = try source.read(at: 0, count: end)
        let crcAt = all.startIndex + end - 4
        let stored = all[crcAt..<(crcAt + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let computed = CRC32.checksum(all[all.startIndex..<crcAt])
        guard stored == computed else {
            throw VTKFormatError(.crcMismatch, file: name, location: "header", offset: end - 4,
                                 "CRC mismatch (stored \(hex32(stored)), computed \(hex32(computed)))")
        }
        let header = try VTKHeader.decode(payload: all[(all.startIndex + VTKFormat.prefixLength)..<crcAt], file: name)
        return (header, end)
    }

    private func scanRecords(from start: Int, counts: inout VTKByteCounts) throws {
        let size = source.size
        let maxGroupPayload = GroupCoding.maxPayloadLength(header)
        var position = start
        while true {
            let location = "record \(groupRecords.count + (audioRecord == nil ? 0 : 1))"
            let remaining = size - position
            guard remaining >= Records.headLength else {
                throw error(.truncated, location, position, remaining == 0
                    ? "file ends after \(groupRecords.count) of \(header.groupCount) groups without an end record: truncated"
                    : "record header needs 12 bytes but \(remaining) remain: truncated")
            }
            var r = ByteReader(try source.read(at: position, count: Records.headLength), baseOffset: position, file: name, location: location)
            let rawType = try r.u32("record type")
            let rawLength = try r.u64("record length")
            guard let type = RecordType(rawValue: rawType) else {
                throw error(.malformed, location, position, "unknown record type \(rawType)")
            }
            guard remaining >= Records.overhead, rawLength <= UInt64(remaining - Records.overhead) else {
                throw error(.truncated, location, position,
                            "payload length \(rawLength) runs past the end of the file (\(max(0, remaining - Records.overhead)) bytes left): truncated or corrupt")
            }
            let record = Record(offset: position, length: Int(rawLength))
            let framed = record.length + Records.overhead
            switch type {
            case .group:
                let label = "group \(groupRecords.count) record"
                guard groupRecords.count < header.groupCount else {
                    throw error(.malformed, label, position, "more group records than the header's \(header.frameCount) frames need (\(header.groupCount))")
                }
                guard maxGroupPayload.contains(record.length) else {
                    throw error(.malformed, label, position, "payload length \(record.length) is outside \(maxGroupPayload.lowerBound)...\(maxGroupPayload.upperBound) for this header")
                }
                groupRecords.append(record)
                counts.groups += framed
            case .audio:
                guard audioRecord == nil else { throw error(.malformed, "audio record", position, "a second audio record") }
                audioRecord = record
                counts.audio = framed
            case .end:
                try checkEnd(record, size: size)
                counts.end = framed
                return
            }
            position += framed
        }
    }

    private func checkEnd(_ record: Record, size: Int) throws {
        guard record.length == Records.endPayloadLength else {
            throw error(.malformed, "end record", record.offset, "payload length \(record.length), expected 12")
        }
        var r = ByteReader(try readPayload(record, location: "end record"), baseOffset: record.offset + Records.headLength,
                           file: name, location: "end record")
        let groups = try r.u64("group count"), audios = try r.u32("audio record count")
        let audioCount = audioRecord == nil ? 0 : 1
        guard groups == UInt64(groupRecords.count), audios == UInt32(audioCount) else {
            throw error(.malformed, "end record", record.offset,
                        "counts \(groups) groups / \(audios) audio records, but the file holds \(groupRecords.count) / \(audioCount)")
        }
        guard groupRecords.count == header.groupCount else {
            throw error(.malformed, "end record", record.offset,
                        "file holds \(groupRecords.count) groups but the header's \(header.frameCount) frames need \(header.groupCount)")
        }
        let end = record.offset + record.length + Records.overhead
        guard end == size else {
            throw error(.malformed, "end record", end, "\(size - end) unexpected bytes after the end record")
        }
    }
}
