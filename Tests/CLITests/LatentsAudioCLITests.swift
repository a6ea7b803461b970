import Foundation
import VideoIO
import VTKFormat
import XCTest

/// `vtkc latents`, audio carried through compress/expand, and inputs with no frames.
final class LatentsAudioCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    func testLatentsExportAsNPYAndSafetensors() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 20)
        XCTAssertEqual(try CodecCLI.run(["compress", "in.mp4", "-o", "a.vtk", "--model", model, "-q",
                                         "--latent-encoding", "float16"], in: dir).status, 0)
        let reader = try VTKReader(url: dir.appendingPathComponent("a.vtk"))
        var expected: [Float] = []
        while let group = try reader.nextGroup() { expected += group }
        let tiles = reader.header.tiling.tileCount
        XCTAssertEqual(tiles, 4, "40x36 with 32x32 tiles: 2 x 2")

        let npy = try CodecCLI.run(["latents", "a.vtk", "-o", "z.npy"], in: dir)
        XCTAssertEqual(npy.status, 0, npy.stderr)
        let bytes = Array(try Data(contentsOf: dir.appendingPathComponent("z.npy")))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let dict = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(dict.contains("'descr': '<f4'") && dict.contains("'shape': (2, \(tiles), 64, 16)"), dict)
        XCTAssertEqual(Self.floats(bytes[(10 + headerLength)...]), expected)
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("z.json")))
        XCTAssertEqual((sidecar as? [String: String])?["frame_count"], "20")

        let st = try CodecCLI.run(["latents", "a.vtk", "-o", "z.safetensors"], in: dir)
        XCTAssertEqual(st.status, 0, st.stderr)
        let s = Array(try Data(contentsOf: dir.appendingPathComponent("z.safetensors")))
        let n = s[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s[8..<(8 + n)])) as? [String: Any])
        let tensor = try XCTUnwrap(json["latents"] as? [String: Any])
        XCTAssertEqual(tensor["dtype"] as? String, "F32")
        XCTAssertEqual(tensor["shape"] as? [Int], [2, tiles, 64, 16])
        let meta = try XCTUnwrap(json["__metadata__"] as? [String: String])
        XCTAssertEqual(meta["width"], "40")
        XCTAssertEqual(meta["frame_rate"], "30000/1001")
        // The default tiling overlaps by an eighth of a tile (4 px): the last tile ends at 40.
        XCTAssertEqual(meta["tile_x_origins"], "[0,8]")
        XCTAssertEqual(Self.floats(s[(8 + n)...]), expected)

        let again = try CodecCLI.run(["latents", "a.vtk", "-o", "z.npy"], in: dir)
        XCTAssertEqual(again.status, 1, "refuses to overwrite without -y")
    }

    static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        Array(bytes).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func testAudioIsCarriedThroughUntouched() throws {
        let shared = CodecCLI.repo.deletingLastPathComponent().appendingPathComponent("shared/data/clips")
        let clip = shared.appendingPathComponent("imageio_realshort.mp4")
        guard FileManager.default.fileExists(atPath: clip.path) else {
            throw XCTSkip("../shared/data is absent: audio pass-through through the CLI not tested")
        }
        let source = try VideoReader(url: clip)
        while try source.nextFrame() != nil {}
        let track = try XCTUnwrap(source.audio)
        let dir = try CodecCLI.scratch(self)
        let writer = try VideoWriter(url: dir.appendingPathComponent("in.mp4"), width: 40, height: 32,
                                     frameRate: Rational(num: 25, den: 1), audio: track)
        for i in 0..<30 {
            try writer.write(RGBFrame(width: 40, height: 32, pixels: [UInt8](repeating: UInt8(i * 8), count: 40 * 32 * 3)))
        }
        try writer.finish()
        XCTAssertEqual(try CodecCLI.run(["compress", "in.mp4", "-o", "a.vtk", "--model", model, "-q"], in: dir).status, 0)
        let info = try CodecCLI.run(["info", "a.vtk"], in: dir)
        XCTAssertTrue(info.stdout.contains("audio:        aac"), info.stdout)
        let e = try CodecCLI.run(["expand", "a.vtk", "-o", "out.mp4", "--model", model, "--json"], in: dir)
        XCTAssertEqual(e.status, 0, e.stderr)
        let out = try VideoReader(url: dir.appendingPathComponent("out.mp4"))
        var frames = 0
        while try out.nextFrame() != nil { frames += 1 }
        XCTAssertEqual(frames, 30)
        let back = try XCTUnwrap(out.audio)
        XCTAssertEqual(back.codecName, "aac")
        XCTAssertEqual(back.packets.map(\.data), track.packets.map(\.data))
    }

    func testAVideoWithZeroFramesIsAClearError() throws {
        let dir = try CodecCLI.scratch(self)
        try Data("YUV4MPEG2 W16 H16 F25:1 Ip A1:1 C420jpeg\n".utf8).write(to: dir.appendingPathComponent("empty.y4m"))
        let r = try CodecCLI.run(["compress", "empty.y4m", "-o", "e.vtk", "--model", model], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("no video frames"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertEqual(CodecCLI.entries(dir), ["empty.y4m"])
    }
}

/// `vtkc seams` end to end with the tiny model.
final class SeamsCLITests: XCTestCase {
    func testSeamsTableHasOneRowPerTiling() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("ref.mp4"), width: 60, height: 40, frames: 16)
        let r = try CodecCLI.run(["seams", "ref.mp4", "--model", CodecCLI.tinyModel.path, "--json",
                                  "--tilings", "none", "overlap:8:cosine", "--frames", "16"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["tiling"] as? String }, ["none", "overlap:8:cosine"])
        XCTAssertEqual(rows.map { $0["tiles_per_group"] as? Int }, [4, 6])
        for row in rows {
            XCTAssertEqual(row["frames"] as? Int, 16)
            XCTAssertNotNil(row["psnr_border"] as? Double)
            XCTAssertNotNil(row["psnr_rest"] as? Double)
        }
        XCTAssertEqual(CodecCLI.entries(dir), ["ref.mp4"])
        let bad = try CodecCLI.run(["seams", "ref.mp4", "--tilings", "overlap:x"], in: dir)
        XCTAssertEqual(bad.status, 64, bad.stderr)
        // the overlap's range comes from the model's tiles (32 px for the tiny model), not a constant
        let wide = try CodecCLI.run(["seams", "ref.mp4", "--model", CodecCLI.tinyModel.path, "--tilings", "overlap:17"], in: dir)
        XCTAssertEqual(wide.status, 1, wide.stderr)
        XCTAssertTrue(wide.stderr.contains("outside 0...16 for 32-pixel tiles"), wide.stderr)
    }
}
