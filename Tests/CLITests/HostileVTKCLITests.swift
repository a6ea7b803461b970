import Codec
import Foundation
import VideoIO
@testable import VTKFormat
import XCTest

/// Crafted .vtk files whose every CRC is valid (issue 30): each must give a one-line error and
/// exit 1 from every command that reads it, never a crash, an abort or a partial output.
final class HostileVTKCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path
    var dir: URL!
    var header: VTKHeader!
    var groups: [[Float]] = []

    override func setUpWithError() throws {
        dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 20)
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "good.vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let reader = try VTKReader(url: dir.appendingPathComponent("good.vtk"))
        header = reader.header
        while let group = try reader.nextGroup() { groups.append(group) }
    }

    /// Writes `name` with `header`, the good file's groups and `audio` (every CRC valid).
    func write(_ name: String, header: VTKHeader? = nil, audio: AudioTrack? = nil) throws {
        let writer = try VTKWriter(url: dir.appendingPathComponent(name), header: header ?? self.header)
        for group in groups { try writer.appendGroup(group) }
        if let audio { try writer.setAudio(audio.serialized()) }
        try writer.finish()
    }

    /// A hand-made AAC track (LC, 44.1 kHz stereo): a muxer copies its packets without decoding.
    func track(flags: Int32) -> AudioTrack {
        var packets: [AudioTrack.Packet] = []
        for i in 0..<40 {
            let data: [UInt8] = (0..<64).map { (k: Int) -> UInt8 in UInt8((k * 7 + i) & 255) }
            let time = Int64(i * 1024)
            packets.append(AudioTrack.Packet(pts: time, dts: time, duration: 1024, flags: i == 3 ? flags : 1, data: data))
        }
        return AudioTrack(codecName: "aac", sampleRate: 44100, channels: 2, channelMask: 3, extradata: [0x12, 0x10],
                          frameSize: 1024, timeBase: Rational(num: 1, den: 44100), packets: packets)
    }

    func expectRefusal(_ arguments: [String], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = CodecCLI.entries(dir)
        let r = try CodecCLI.run(arguments, in: dir)
        XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)", file: file, line: line)
        for word in words { XCTAssertTrue(r.stderr.contains(word), "'\(word)' missing: \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(CodecCLI.entries(dir), before, "no output or staging file", file: file, line: line)
    }

    /// Issue 30.1: stored packet flags reached the muxer unmasked (0x2000 crashed libavformat).
    func testAudioPacketFlagsOutsideTheFormatAreRefused() throws {
        try write("ok.vtk", audio: track(flags: 1))
        let ok = try CodecCLI.run(["expand", "ok.vtk", "-o", "ok.mkv", "--model", model, "-q"], in: dir)
        XCTAssertEqual(ok.status, 0, "the same track with a key-frame flag expands: \(ok.stderr)")
        XCTAssertNotNil(try VideoReader(url: dir.appendingPathComponent("ok.mkv")).audio)
        for flags: Int32 in [0x2000, 0x8, Int32(bitPattern: 0x8000_0000)] {
            try write("bad.vtk", audio: track(flags: flags))
            for output in ["o.mkv", "o.mp4"] {
                try expectRefusal(["expand", "bad.vtk", "-o", output, "--model", model],
                                  mentioning: ["bad.vtk", "audio record", "audio packet 3: flags"])
            }
            try FileManager.default.removeItem(at: dir.appendingPathComponent("bad.vtk"))
        }
        var huge = track(flags: 1)
        huge.packets[5].pts = .max
        huge.packets[5].dts = .max
        try write("ts.vtk", audio: huge)
        try expectRefusal(["expand", "ts.vtk", "-o", "o.mkv", "--model", model], mentioning: ["audio packet 5: pts"])
    }

    /// Issue 30.2: a small file declaring a huge frame is refused before its frames are
    /// allocated, by a limit the user sets; sides beyond the format's are malformed.
    func testADeclaredFrameOverTheMemoryLimitIsRefusedBeforeAllocation() throws {
        var big = header!
        big.width = 16384
        big.height = 8192
        let layout = try TileLayout(width: big.width, height: big.height, tileWidth: 32, tileHeight: 32,
                                    options: TilingOptions(mode: .none))
        big.tiling = layout.vtkTiling
        big.frameCount = 16
        var bytes = try big.encodedPrefix(file: "bomb.vtk")
        bytes += Records.frame(.group, [UInt8](repeating: 0, count: GroupCoding.maxPayloadLength(big).lowerBound))
        bytes += Records.frame(.end, Records.endPayload(groups: 1, audioRecords: 0))
        try Data(bytes).write(to: dir.appendingPathComponent("bomb.vtk"))
        for arguments in [["expand", "bomb.vtk", "-o", "o.mp4"], ["score", "in.mp4", "bomb.vtk", "--metrics", "psnr"]] {
            try expectRefusal(arguments + ["--model", model],
                              mentioning: ["bomb.vtk: a group of 16 frames of 16384x8192 needs ", "over the limit of 4.29 GB",
                                           "--max-memory"])
        }
        try expectRefusal(["expand", "good.vtk", "-o", "o.mp4", "--model", model, "--max-memory", "1MB"],
                          mentioning: ["good.vtk: a group of 16 frames of 40x36 needs", "over the limit of 1.00 MB"])
        big.width = 16400
        XCTAssertThrowsError(try big.encodedPrefix(file: "x.vtk"), "the writer refuses it too")
        // A width the format cannot hold, patched into a good file's header (CRC recomputed):
        // the width field is where the prefixes of widths 40 and 41 differ.
        var other = header!
        other.width += 1
        var raw = try header.encodedPrefix(file: "w.vtk")
        let shifted = try other.encodedPrefix(file: "w.vtk")
        let at = try XCTUnwrap(raw.indices.first { raw[$0] != shifted[$0] })
        raw.replaceSubrange(at..<(at + 4), with: withUnsafeBytes(of: UInt32(16400).littleEndian, Array.init))
        raw.replaceSubrange((raw.count - 4)..., with: withUnsafeBytes(of: CRC32.checksum(raw.dropLast(4)).littleEndian, Array.init))
        let good = Array(try Data(contentsOf: dir.appendingPathComponent("good.vtk")))
        try Data(raw + good[raw.count...]).write(to: dir.appendingPathComponent("w.vtk"))
        try expectRefusal(["expand", "w.vtk", "-o", "o.mp4", "--model", model], mentioning: ["w.vtk", "width", "16400"])
    }

    /// Issue 30.12: every reader checks the audio record's CRC, also those that do not use it.
    func testACorruptAudioRecordFailsEveryReader() throws {
        try write("a.vtk", audio: track(flags: 1))
        var bytes = Array(try Data(contentsOf: dir.appendingPathComponent("a.vtk")))
        let end = bytes.count - 28            // the end record: 12-byte head, 12-byte payload, CRC
        bytes[end - 30] ^= 0x40               // inside the audio record's payload
        try Data(bytes).write(to: dir.appendingPathComponent("a.vtk"))
        for arguments in [["latents", "a.vtk", "-o", "z.npy"], ["score", "in.mp4", "a.vtk", "--metrics", "psnr", "--model", model],
                          ["expand", "a.vtk", "-o", "o.mp4", "--model", model], ["info", "a.vtk", "--verify"]] {
            try expectRefusal(arguments, mentioning: ["a.vtk", "audio record", "CRC mismatch"])
        }
    }

    /// Issue 30.11: metadata cannot send terminal escapes or forge lines in `info`.
    func testInfoEscapesControlCharacters() throws {
        var tricky = header!
        tricky.metadata["title"] = "\u{1B}]2;owned\u{07}x\nverified:     forged\u{9B}"
        try write("t.vtk", header: tricky)
        let r = try CodecCLI.run(["info", "t.vtk"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
        XCTAssertTrue(r.stdout.contains(#"metadata:     title = \u{1b}]2;owned\u{7}x\u{a}verified:     forged\u{9b}"#), r.stdout)
        XCTAssertFalse(r.stdout.contains("\nverified:"), "no forged line")
        let json = try CodecCLI.run(["info", "t.vtk", "--json"], in: dir)
        XCTAssertTrue(json.stdout.contains(#"\u001b]2;owned\u0007x\nverified:"#), json.stdout)
    }

    /// Issue 30.13: NaN latents are refused as the writer refuses them, not decoded to black.
    func testNaNFloat16LatentsAreRefused() throws {
        var half = header!
        half.encoding = .float16
        half.predictionStride = 0
        try write("h.vtk", header: half)
        var bytes = Array(try Data(contentsOf: dir.appendingPathComponent("h.vtk")))
        let first = 16 + (Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24) + 4
        let value = first + 12 + 4 + 2 * 100   // record head, group index, latent 100
        bytes[value] = 0x01
        bytes[value + 1] = 0x7E               // a float16 NaN
        let length = Int(bytes[first + 4]) | Int(bytes[first + 5]) << 8 | Int(bytes[first + 6]) << 16
        let crcAt = first + 12 + length
        let crc = CRC32.checksum(bytes[first..<crcAt])
        bytes.replaceSubrange(crcAt..<(crcAt + 4), with: withUnsafeBytes(of: crc.littleEndian, Array.init))
        try Data(bytes).write(to: dir.appendingPathComponent("h.vtk"))
        for arguments in [["expand", "h.vtk", "-o", "o.mkv", "--model", model], ["latents", "h.vtk", "-o", "z.npy"]] {
            try expectRefusal(arguments, mentioning: ["h.vtk", "group 0", "latent value 100", "nan"])
        }
    }

    /// Text from a file (here the model name) cannot break an error into several lines.
    func testErrorsNamingFileTextStayOneLine() throws {
        var forged = header!
        forged.modelName = "evil\nError: forged second line\u{1B}[2J"
        forged.modelSHA256 = [UInt8](repeating: 7, count: 32)
        try write("m.vtk", header: forged)
        try expectRefusal(["expand", "m.vtk", "-o", "o.mp4", "--model", model], mentioning: ["m.vtk", #"evil\u{a}Error"#])
    }

    /// A stored rotation is written back as a display matrix; a value no source has is refused.
    func testACraftedRotationIsRefused() throws {
        var odd = header!
        odd.metadata["rotation"] = "45"
        try write("r.vtk", header: odd)
        try expectRefusal(["expand", "r.vtk", "-o", "o.mp4", "--model", model],
                          mentioning: ["r.vtk: metadata rotation is not 90, 180 or 270 degrees"])
    }

    /// `info` names the tiling once (issue 33.4).
    func testInfoNamesTheTilingOnce() throws {
        let r = try CodecCLI.run(["info", "good.vtk"], in: dir)
        XCTAssertTrue(r.stdout.contains("), overlap 4 px, cosine blend\n"), r.stdout)
    }
}
