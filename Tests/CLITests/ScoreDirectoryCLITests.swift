import Foundation
import XCTest

/// `vtkc score REFDIR VTKDIR`: a folder of .vtk files scores against its source videos by stem.
final class ScoreDirectoryCLITests: XCTestCase {
    func testVTKDirectoryPairsWithItsVideosByStem() throws {
        let dir = try CodecCLI.scratch(self)
        let model = CodecCLI.tinyModel.path
        for (i, name) in ["a", "b"].enumerated() {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("videos"), withIntermediateDirectories: true)
            try CodecCLI.writeClip(dir.appendingPathComponent("videos/\(name).mp4"), width: 40, height: 36, frames: 6 + i, shift: i)
        }
        let batch = try CodecCLI.run(["compress", "videos", "-o", "vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(batch.status, 0, batch.stderr)
        let score = try CodecCLI.run(["score", "videos", "vtk", "--model", model, "--metrics", "psnr,ssim", "--json"], in: dir)
        XCTAssertEqual(score.status, 0, score.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(score.stdout.utf8)) as? [String: Any])
        let videos = try XCTUnwrap(report["videos"] as? [[String: Any]])
        XCTAssertEqual(videos.map { ($0["distorted"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } },
                       ["a.vtk", "b.vtk"])
        XCTAssertEqual(videos.map { $0["distorted_kind"] as? String }, ["vtk", "vtk"])
        XCTAssertEqual(videos.map { $0["frames"] as? Int }, [6, 7])
    }
}
