import Codec
import SafeOutput
import VideoIO
import XCTest

/// `expand -o out.mkv` writes exactly the frames the engine decodes.
final class LosslessExpandTests: XCTestCase {
    func testFFV1ExpandEqualsTheDecodedFrames() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = AveragePoolModel()
        let identity = try ModelIdentity(model)
        let vtk = directory.appendingPathComponent("clip.vtk")
        let source = SyntheticSource(width: 40, height: 24, count: 9)
        _ = try Compressor(model: model, identity: identity, tiling: TilingOptions(mode: .overlap, overlap: 4))
            .compress(source, path: "synthetic", into: try VTKFileSink(url: vtk, overwrite: false))

        let expander = Expander(model: model, identity: identity)
        let decoded = try expander.frames(try VTKFileSource(url: vtk), path: vtk.path)
        var engine: [RGBFrame] = []
        while let frame = try decoded.nextFrame() { engine.append(frame) }
        XCTAssertEqual(engine.count, 9)
        XCTAssertNotEqual(engine[0].pixels, SyntheticSource.frame(width: 40, height: 24, index: 0).pixels,
                          "the average-pool model is lossy, so equality below is not trivial")

        let mkv = directory.appendingPathComponent("out.mkv")
        let summary = try expander.expand(file: vtk, to: try OutputTarget(path: mkv.path, overwrite: false),
                                          options: .init(container: .mkv))
        XCTAssertEqual(summary.frames, 9)
        let reader = try VideoReader(url: mkv)
        XCTAssertEqual(reader.info.codecName, "ffv1")
        var written: [RGBFrame] = []
        while let frame = try reader.nextFrame() { written.append(frame) }
        XCTAssertEqual(written.map(\.pixels), engine.map(\.pixels))
    }
}
