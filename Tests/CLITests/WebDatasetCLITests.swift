import Foundation
import XCTest

/// `vtkc latents --format webdataset`: tar shards of KEY.latents.npy + KEY.json per .vtk file.
final class WebDatasetCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    /// The members of a ustar file: (name, data), checking each header's checksum and the two
    /// zero blocks at the end.
    static func members(_ url: URL) throws -> [(name: String, data: Data)] {
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(bytes.count % 512, 0)
        XCTAssertEqual(Array(bytes.suffix(1024)), [UInt8](repeating: 0, count: 1024), "end blocks")
        var members: [(String, Data)] = []
        var at = 0
        while at + 512 <= bytes.count - 1024 {
            let block = Array(bytes[at..<(at + 512)])
            func field(_ range: Range<Int>) -> String {
                String(decoding: block[range].prefix { $0 != 0 }, as: UTF8.self)
            }
            let stored = Int(field(148..<154), radix: 8)
            let sum = block.enumerated().reduce(0) { $0 + ((148..<156).contains($1.offset) ? 32 : Int($1.element)) }
            XCTAssertEqual(stored, sum, "checksum at \(at)")
            XCTAssertEqual(field(257..<263), "ustar")
            XCTAssertEqual([field(100..<108), field(108..<116), field(116..<124), field(136..<148)],
                           ["0000644", "0000000", "0000000", "00000000000"])
            XCTAssertEqual([field(265..<297), field(297..<329)], ["", ""])
            let prefix = field(345..<500)
            let name = (prefix.isEmpty ? "" : prefix + "/") + field(0..<100)
            let size = try XCTUnwrap(Int(field(124..<135), radix: 8))
            members.append((name, Data(bytes[(at + 512)..<(at + 512 + size)])))
            at += 512 + (size + 511) / 512 * 512
        }
        return members
    }

    func testShardsHoldTheNPYBytesAndSidecarOfEachFileInOrder() throws {
        let dir = try CodecCLI.scratch(self)
        for (i, name) in ["clip one.mp4", "a/b.mp4", "a/c.mp4"].enumerated() {
            let url = dir.appendingPathComponent("videos/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try CodecCLI.writeClip(url, width: 40, height: 30, frames: 4 + 14 * i, shift: i)
        }
        let c = try CodecCLI.run(["compress", "videos", "-o", "vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        // Room for about two samples of 1-2 groups (each group: 2 tiles x 64 x 16 floats).
        let w = try CodecCLI.run(["latents", "vtk", "-o", "wds", "--format", "webdataset", "--shard-size", "40KB"], in: dir)
        XCTAssertEqual(w.status, 0, w.stderr)
        let shards = CodecCLI.entries(dir.appendingPathComponent("wds"))
        XCTAssertEqual(shards, ["latents-000000.tar", "latents-000001.tar"], w.stderr)
        var samples: [(String, Data)] = []
        for shard in shards {
            let url = dir.appendingPathComponent("wds/" + shard)
            let members = try Self.members(url)
            let size = try Data(contentsOf: url).count
            XCTAssertTrue(size <= 40_000 || members.count == 2, "\(shard) is \(size) bytes with \(members.count / 2) samples")
            samples += members.map { ($0.name, $0.data) }
        }
        XCTAssertEqual(samples.map(\.0), ["a/b.latents.npy", "a/b.json", "a/c.latents.npy", "a/c.json",
                                          "clip_one.latents.npy", "clip_one.json"])
        for (key, source) in [("a/b", "a/b.vtk"), ("a/c", "a/c.vtk"), ("clip_one", "clip one.vtk")] {
            let npy = try CodecCLI.run(["latents", "vtk/" + source, "-o", "single.npy", "-y", "-q"], in: dir)
            XCTAssertEqual(npy.status, 0, npy.stderr)
            XCTAssertEqual(samples.first { $0.0 == key + ".latents.npy" }?.1,
                           try Data(contentsOf: dir.appendingPathComponent("single.npy")), key)
            let json = try XCTUnwrap(samples.first { $0.0 == key + ".json" }?.1)
            var meta = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: String])
            XCTAssertEqual(meta.removeValue(forKey: "key"), key)
            XCTAssertEqual(meta.removeValue(forKey: "source"), source)
            let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("single.json")))
            XCTAssertEqual(meta, sidecar as? [String: String], key)
        }
        // Deterministic: a second export gives the same bytes; existing shards need -y.
        let again = try CodecCLI.run(["latents", "vtk", "-o", "wds", "--format", "webdataset", "--shard-size", "40KB"], in: dir)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("-y"), again.stderr)
        let y = try CodecCLI.run(["latents", "vtk", "-o", "wds2", "--format", "webdataset", "--shard-size", "40KB"], in: dir)
        XCTAssertEqual(y.status, 0, y.stderr)
        for shard in shards {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("wds/" + shard)),
                           try Data(contentsOf: dir.appendingPathComponent("wds2/" + shard)))
        }
        // One big shard with -y replaces both old ones.
        let one = try CodecCLI.run(["latents", "vtk", "-o", "wds", "--format", "webdataset", "-y", "-q"], in: dir)
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(CodecCLI.entries(dir.appendingPathComponent("wds")), ["latents-000000.tar"])
        XCTAssertEqual(try Self.members(dir.appendingPathComponent("wds/latents-000000.tar")).count, 6)
    }

    func testBadInputsWriteNoShard() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("a.mp4"), width: 20, height: 20, frames: 3)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        let c = try CodecCLI.run(["compress", "a.mp4", "-o", "in/a b.vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        try FileManager.default.copyItem(atPath: dir.appendingPathComponent("in/a b.vtk").path,
                                         toPath: dir.appendingPathComponent("in/a_b.vtk").path)
        let clash = try CodecCLI.run(["latents", "in", "-o", "wds", "--format", "webdataset"], in: dir)
        XCTAssertEqual(clash.status, 1)
        XCTAssertTrue(clash.stderr.contains("a_b"), clash.stderr)
        XCTAssertEqual(CodecCLI.entries(dir.appendingPathComponent("wds")), [])

        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("in/a_b.vtk")))
        bytes[bytes.count - 40] ^= 0xFF
        try Data(bytes).write(to: dir.appendingPathComponent("in/a_b.vtk"))
        try FileManager.default.moveItem(atPath: dir.appendingPathComponent("in/a_b.vtk").path,
                                         toPath: dir.appendingPathComponent("in/z.vtk").path)
        let corrupt = try CodecCLI.run(["latents", "in", "-o", "wds", "--format", "webdataset"], in: dir)
        XCTAssertEqual(corrupt.status, 1)
        XCTAssertTrue(corrupt.stderr.contains("z.vtk"), corrupt.stderr)
        XCTAssertEqual(CodecCLI.entries(dir.appendingPathComponent("wds")), [], "no partial shard")

        for args in [["latents", "a.vtk", "b.vtk", "-o", "z.npy"],
                     ["latents", "a.vtk", "-o", "z.npy", "--shard-size", "1GB"],
                     ["latents", "in", "-o", "wds", "--format", "webdataset", "--shard-size", "lots"],
                     ["latents", "in", "-o", "-", "--format", "webdataset"]] {
            let r = try CodecCLI.run(args, in: dir)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
        }
    }
}
