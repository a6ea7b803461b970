import Foundation
import VideoIO
import XCTest

/// What the round trip loses, measured without a video codec: `score REF clip.vtk` decodes
/// the latents in memory, and `expand -o out.mkv` writes those frames losslessly.
final class FidelityCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    private func videos(_ report: [String: Any]) throws -> [String: Any] {
        try XCTUnwrap((report["videos"] as? [[String: Any]])?.first)
    }

    /// in.mp4 -> ref.mkv (lossless re-encode) -> clip.vtk -> out.mkv, in a scratch directory.
    private func prepare() throws -> URL {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 48, height: 40, frames: 20)
        for arguments in [["reencode", "in.mp4", "-o", "ref.mkv", "-q"],
                          ["compress", "ref.mkv", "-o", "clip.vtk", "--model", model, "-q"],
                          ["expand", "clip.vtk", "-o", "out.mkv", "--model", model, "-q"]] {
            let r = try CodecCLI.run(arguments, in: dir)
            XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)")
        }
        return dir
    }

    func testScoringTheVTKEqualsScoringItsFFV1Expand() throws {
        let dir = try prepare()
        XCTAssertEqual(try CodecCLI.probe(dir.appendingPathComponent("out.mkv")).frames, 20)
        let direct = try CodecCLI.run(["score", "ref.mkv", "clip.vtk", "--metrics", "psnr,ssim", "--json",
                                       "--model", model], in: dir)
        XCTAssertEqual(direct.status, 0, direct.stderr)
        let viaFile = try CodecCLI.run(["score", "ref.mkv", "out.mkv", "--metrics", "psnr,ssim", "--json"], in: dir)
        XCTAssertEqual(viaFile.status, 0, viaFile.stderr)
        let a = try json(direct.stdout), b = try json(viaFile.stdout)
        XCTAssertEqual(a["summary"] as? NSDictionary, b["summary"] as? NSDictionary)
        let va = try videos(a), vb = try videos(b)
        XCTAssertEqual(va["per_frame"] as? NSArray, vb["per_frame"] as? NSArray)
        XCTAssertEqual((va["per_frame"] as? NSArray)?.count, 20)
        XCTAssertEqual(va["distorted_kind"] as? String, "vtk")
        XCTAssertEqual(vb["distorted_kind"] as? String, "video")
        let psnr = try XCTUnwrap((a["summary"] as? [String: Any])?["psnr_pooled"] as? Double)
        XCTAssertLessThan(psnr, 60, "the tiny model is lossy: the score is not a comparison of a file with itself")

        let table = try CodecCLI.run(["score", "ref.mkv", "clip.vtk", "--metrics", "psnr", "--model", model], in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("clip.vtk: .vtk latents decoded in memory"), table.stdout)
    }

    func testH264OutputsAndOptionChecks() throws {
        let dir = try prepare()
        let bad = try CodecCLI.run(["expand", "clip.vtk", "-o", "x.mkv", "--pix-fmt", "yuv444p", "--model", model], in: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--pix-fmt applies to H.264 MP4 output"), bad.stderr)
        XCTAssertFalse(CodecCLI.entries(dir).contains("x.mkv"))
        let unknown = try CodecCLI.run(["expand", "clip.vtk", "-o", "x.mp4", "--pix-fmt", "nv12", "--model", model], in: dir)
        XCTAssertNotEqual(unknown.status, 0)

        var pooled: [String: Double] = [:]
        for (name, format) in [("yuv444.mp4", "yuv444p"), ("yuv420.mp4", "yuv420p")] {
            let r = try CodecCLI.run(["expand", "clip.vtk", "-o", name, "--crf", "0", "--pix-fmt", format,
                                      "--preset", "ultrafast", "--model", model, "-q"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            let s = try CodecCLI.run(["score", "out.mkv", name, "--metrics", "psnr", "--json"], in: dir)
            XCTAssertEqual(s.status, 0, s.stderr)
            let summary = try XCTUnwrap(try json(s.stdout)["summary"] as? [String: Any])
            pooled[format] = summary["psnr_pooled"] as? Double
        }
        print("crf 0 against the decoded frames (tiny model, 48x40): \(pooled)")
        let p444 = try XCTUnwrap(pooled["yuv444p"]), p420 = try XCTUnwrap(pooled["yuv420p"])
        XCTAssertGreaterThan(p444, 45)
        XCTAssertGreaterThan(p444, p420)
    }
}
