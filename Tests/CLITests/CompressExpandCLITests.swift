import Foundation
import VideoIO
import VTKFormat
import XCTest

/// `vtkc compress` and `vtkc expand` end to end with the tiny golden model (32x32 tiles).
final class CompressExpandCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    /// Frame counts around the 16-frame group and sizes below, at and above the 32x32 tile.
    func testRoundTripKeepsFrameCountRateAndSize() throws {
        let dir = try CodecCLI.scratch(self)
        let cases: [(Int, Int, Int, Rational)] = [
            (45, 33, 1, Rational(num: 30000, den: 1001)), (45, 33, 15, Rational(num: 25, den: 1)),
            (45, 33, 16, Rational(num: 24000, den: 1001)), (45, 33, 17, Rational(num: 30, den: 1)),
            (45, 33, 33, Rational(num: 30000, den: 1001)), (21, 17, 17, Rational(num: 15, den: 1)),
            (32, 32, 17, Rational(num: 30000, den: 1001)),
        ]
        for (w, h, n, rate) in cases {
            let name = "\(w)x\(h)-\(n)"
            try CodecCLI.writeClip(dir.appendingPathComponent("\(name).mp4"), width: w, height: h,
                                   frames: n, rate: rate)
            let c = try CodecCLI.run(["compress", "\(name).mp4", "-o", "\(name).vtk", "--model", model,
                                      "--quiet"], in: dir)
            XCTAssertEqual(c.status, 0, c.stderr)
            XCTAssertEqual(c.stderr, "", "--quiet prints nothing")
            let e = try CodecCLI.run(["expand", "\(name).vtk", "-o", "\(name).out.mp4", "--model", model,
                                      "--json", "--preset", "ultrafast"], in: dir)
            XCTAssertEqual(e.status, 0, e.stderr)
            let out = try CodecCLI.probe(dir.appendingPathComponent("\(name).out.mp4"))
            XCTAssertEqual(out.frames, n, name)
            XCTAssertEqual([out.width, out.height], [w, h], name)
            XCTAssertEqual(out.rate, rate, name)
            let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any]
            XCTAssertEqual(json?["frames"] as? Int, n)
        }
    }

    func testCompressIsDeterministicAcrossRunsAndThreadCounts() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 70, height: 40, frames: 18)
        var files: [Data] = []
        for (i, threads) in ["1", "2", "2"].enumerated() {
            let r = try CodecCLI.run(["compress", "in.mp4", "-o", "\(i).vtk", "--model", model,
                                      "--threads", threads, "-q"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            files.append(try Data(contentsOf: dir.appendingPathComponent("\(i).vtk")))
        }
        XCTAssertEqual(files[0], files[1], "1 vs 2 threads")
        XCTAssertEqual(files[1], files[2], "two runs")
    }

    func testCompressJSONSummaryAndInfo() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 50, height: 40, frames: 20)
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "a.vtk", "--model", model, "--json",
                                  "--tiling", "none", "--latent-encoding", "float16"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["frames"] as? Int, 20)
        XCTAssertEqual(json["groups"] as? Int, 2)
        XCTAssertEqual(json["tiles_per_group"] as? Int, 4, "50x40 with 32x32 tiles, no overlap")
        let bytes = try XCTUnwrap(json["bytes"] as? Int)
        XCTAssertEqual(bytes, try Data(contentsOf: dir.appendingPathComponent("a.vtk")).count)
        XCTAssertEqual(json["bits_per_pixel"] as? Double ?? 0, Double(bytes * 8) / Double(50 * 40 * 20), accuracy: 1e-9)

        let info = try CodecCLI.run(["info", "a.vtk", "--json", "--verify"], in: dir)
        XCTAssertEqual(info.status, 0, info.stderr)
        let i = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(i["frames"] as? Int, 20)
        XCTAssertEqual(i["width"] as? Int, 50)
        XCTAssertEqual(i["frame_rate"] as? String, "30000/1001")
        XCTAssertEqual(i["tiles_per_group"] as? Int, 4)
        XCTAssertEqual(i["latent_encoding"] as? String, "float16")
        let parts = try XCTUnwrap(i["bytes"] as? [String: Int])
        XCTAssertEqual(parts["file"], bytes)
        XCTAssertEqual(parts["header"]! + parts["latents"]! + parts["audio"]! + parts["end"]!, bytes)
        // float16: 2 groups x 4 tiles x 64 tokens x 16 channels x 2 bytes, plus framing.
        XCTAssertGreaterThanOrEqual(parts["latents"]!, 2 * 4 * 64 * 16 * 2)
        let text = try CodecCLI.run(["info", "a.vtk"], in: dir)
        XCTAssertTrue(text.stdout.contains("vitok-tiny-golden"), text.stdout)
    }

    func testRefusesToOverwriteWithoutYes() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 20, height: 20, frames: 2)
        try Data("precious".utf8).write(to: dir.appendingPathComponent("out.vtk"))
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "out.vtk", "--model", model], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("already exists") && r.stderr.contains("-y"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out.vtk")), Data("precious".utf8))
        let y = try CodecCLI.run(["compress", "in.mp4", "-o", "out.vtk", "--model", model, "-y", "-q"], in: dir)
        XCTAssertEqual(y.status, 0, y.stderr)
        XCTAssertEqual(try VTKReader(url: dir.appendingPathComponent("out.vtk")).header.frameCount, 2)

        try Data("precious".utf8).write(to: dir.appendingPathComponent("out.mp4"))
        let e = try CodecCLI.run(["expand", "out.vtk", "-o", "out.mp4", "--model", model], in: dir)
        XCTAssertEqual(e.status, 1)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out.mp4")), Data("precious".utf8))
    }

    func testInputsWithoutVideoAreClearErrors() throws {
        let dir = try CodecCLI.scratch(self)
        try Data("this is not a video".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let r = try CodecCLI.run(["compress", "notes.txt", "-o", "n.vtk", "--model", model], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("notes.txt"), r.stderr)
        let missing = try CodecCLI.run(["compress", "nope.mp4", "-o", "n.vtk", "--model", model], in: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(CodecCLI.entries(dir), ["notes.txt"])
    }

    func testUsageErrorsExit64() throws {
        let dir = try CodecCLI.scratch(self)
        for args in [["compress", "a.mp4", "-o", "b.vtk", "--tiling", "diagonal"],
                     ["compress", "a.mp4", "-o", "b.vtk", "--bits", "40"],
                     ["compress", "a.mp4", "-o", "b.vtk", "--tiling", "none", "--overlap", "8"],
                     ["compress", "a.mp4"],
                     ["expand", "a.vtk", "-o", "b.mp4", "--crf", "70"],
                     ["latents", "a.vtk", "-o", "z.txt"]] {
            let r = try CodecCLI.run(args, in: dir)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
        }
    }

    func testNoModelGivesHowToGetOne() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 20, height: 20, frames: 2)
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "o.vtk", "--model", "missing-model"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("missing-model"), r.stderr)
    }
}
