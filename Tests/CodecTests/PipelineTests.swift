import Codec
import SafeOutput
import ViTok
import VideoIO
import VTKFormat
import XCTest

/// Compress to a real .vtk file and expand it again, with fake models.
final class PipelineTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Compresses `source` with `model` into `name` and returns the file's URL.
    @discardableResult
    func compress(_ source: FrameSource, model: LatentModel, name: String = "out.vtk",
                  tiling: TilingOptions? = nil, encoding: VTKLatentEncoding = .float16,
                  overwrite: Bool = false) throws -> URL {
        let url = directory.appendingPathComponent(name)
        let compressor = Compressor(model: model, identity: try ModelIdentity(model),
                                    tiling: tiling, encoding: encoding)
        let sink = try VTKFileSink(url: url, overwrite: overwrite)
        _ = try compressor.compress(source, path: "synthetic.mp4", into: sink)
        return url
    }

    func expand(_ url: URL, model: LatentModel, force: Bool = false) throws -> [RGBFrame] {
        let expander = Expander(model: model, identity: try ModelIdentity(model))
        expander.forceModel = force
        let sink = FrameCollector()
        let summary = try expander.expand(try VTKFileSource(url: url), path: url.path, into: sink)
        XCTAssertTrue(sink.finished)
        XCTAssertEqual(summary.frames, sink.frames.count)
        return sink.frames
    }

    /// Group length 16 as in S-B/4x8, 16x16 tiles: frame counts around the group length and
    /// sizes below, equal to and above the tile, every tiling mode. Identity model and float16
    /// latents reconstruct 8-bit frames exactly, so this checks grouping, padding and trimming.
    func testRoundTripKeepsEveryFrameExactly() throws {
        let model = IdentityModel(clip: [16, 16, 16], tubelet: [4, 4, 4])
        let rate = Rational(num: 30000, den: 1001)
        for count in [1, 15, 16, 17, 33] {
            for (w, h) in [(9, 7), (16, 16), (23, 17)] {
                for mode in [TilingMode.none, .overlap] {
                    let name = "c\(count)-\(w)x\(h)-\(mode).vtk"
                    let url = try compress(SyntheticSource(width: w, height: h, count: count, rate: rate),
                                           model: model, name: name,
                                           tiling: TilingOptions(mode: mode, overlap: 4))
                    let header = try VTKReader(url: url).header
                    XCTAssertEqual(header.frameCount, count)
                    XCTAssertEqual(header.groupCount, (count + 15) / 16)
                    XCTAssertEqual([header.width, header.height], [w, h])
                    XCTAssertEqual(header.frameRate, VTKRational(num: 30000, den: 1001))
                    let frames = try expand(url, model: model)
                    let expected = (0..<count).map { SyntheticSource.frame(width: w, height: h, index: $0) }
                    XCTAssertTrue(frames == expected, name)
                }
            }
        }
    }

    /// The real geometry (16 x 128 x 128 clips) for sizes below, at and above one tile.
    func testRoundTripAtFullGeometry() throws {
        let model = IdentityModel()
        for (w, h) in [(100, 60), (128, 128), (129, 131)] {
            let url = try compress(SyntheticSource(width: w, height: h, count: 17), model: model,
                                   name: "\(w)x\(h).vtk")
            let expected = (0..<17).map { SyntheticSource.frame(width: w, height: h, index: $0) }
            XCTAssertTrue(try expand(url, model: model) == expected, "\(w)x\(h)")
        }
    }

    func testSameInputGivesByteIdenticalFiles() throws {
        let model = AveragePoolModel()
        var files: [Data] = []
        for (i, encoding) in [VTKLatentEncoding.float16, .float16, .default, .default].enumerated() {
            model.threads = 1 + i % 2
            let url = try compress(SyntheticSource(width: 37, height: 21, count: 9), model: model,
                                   name: "d\(i).vtk", encoding: encoding)
            files.append(try Data(contentsOf: url))
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[2], files[3])
        XCTAssertNotEqual(files[0], files[2])
    }

    /// Quantized files predict each latent token from the one a latent time step earlier
    /// (stride = grid height x grid width); float16 files and one-step clips do not.
    func testQuantizedFilesUseTheTemporalStrideOfTheModel() throws {
        var source: SyntheticSource { SyntheticSource(width: 20, height: 20, count: 17) }
        let model = IdentityModel(clip: [16, 16, 16], tubelet: [4, 4, 4])
        let quantized = try VTKReader(url: try compress(source, model: model, name: "q.vtk",
                                                        encoding: .default)).header
        XCTAssertEqual(quantized.predictionStride, 16, "grid 4 x 4 x 4: 16 tokens per time step")
        let half = try VTKReader(url: try compress(source, model: model, name: "f.vtk")).header
        XCTAssertEqual(half.predictionStride, 0)
        let single = IdentityModel(clip: [4, 16, 16], tubelet: [4, 4, 4])
        let one = try VTKReader(url: try compress(source, model: single, name: "s.vtk",
                                                  encoding: .default)).header
        XCTAssertEqual(one.predictionStride, 0, "one latent time step: nothing to predict from")
    }

    /// Decoders can announce a wrong frame count; the file must only depend on the frames.
    func testAWrongAnnouncedFrameCountGivesTheSameFile() throws {
        let model = AveragePoolModel()
        var files: [Data] = []
        for (i, announced) in [9, 0, 3, 40].enumerated() {
            let url = try compress(SyntheticSource(width: 20, height: 18, count: 9, announced: announced),
                                   model: model, name: "a\(i).vtk")
            files.append(try Data(contentsOf: url))
            XCTAssertEqual(try VTKReader(url: url).header.frameCount, 9)
        }
        XCTAssertEqual(Set(files).count, 1)
    }

    func testAnotherModelIsRefusedUnlessForced() throws {
        let weightsA = directory.appendingPathComponent("a.safetensors")
        let weightsB = directory.appendingPathComponent("b.safetensors")
        try Data("weights A".utf8).write(to: weightsA)
        try Data("weights B".utf8).write(to: weightsB)
        let url = try compress(SyntheticSource(width: 20, height: 20, count: 5),
                               model: AveragePoolModel(name: "pool-a", weightFiles: [weightsA]))
        let other = AveragePoolModel(name: "pool-b", weightFiles: [weightsB])
        XCTAssertThrowsError(try expand(url, model: other)) { error in
            guard case CodecError.modelMismatch(let message) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(message.contains("pool-a") && message.contains("pool-b"), message)
            XCTAssertFalse(message.contains("\n"))
        }
        XCTAssertEqual(try expand(url, model: other, force: true).count, 5)
    }

    func testADifferentGeometryIsRefusedEvenWhenForced() throws {
        let url = try compress(SyntheticSource(width: 20, height: 20, count: 5), model: AveragePoolModel())
        let big = AveragePoolModel(config: ViTokConfigs.smallEightFrames)
        XCTAssertThrowsError(try expand(url, model: big, force: true)) { error in
            guard case CodecError.geometryMismatch = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testNoFramesIsAnErrorAndLeavesNoFile() throws {
        XCTAssertThrowsError(try compress(SyntheticSource(width: 20, height: 20, count: 0),
                                          model: AveragePoolModel())) { error in
            XCTAssertEqual(error as? CodecError, .noFrames(path: "synthetic.mp4"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testAFrameOfAnotherSizeIsAnErrorAndLeavesNoFile() throws {
        let sizes = [(20, 20), (20, 20), (20, 20), (20, 20), (20, 20), (22, 20)]
        let source = SyntheticSource(width: 20, height: 20, count: 6, sizes: sizes)
        XCTAssertThrowsError(try compress(source, model: AveragePoolModel())) { error in
            guard case CodecError.frameSizeChanged(_, 5, "20x20", "22x20") = error else {
                return XCTFail("unexpected \(error)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testAnExistingOutputIsKeptUnlessOverwriteIsAllowed() throws {
        let url = directory.appendingPathComponent("out.vtk")
        try Data("keep me".utf8).write(to: url)
        XCTAssertThrowsError(try compress(SyntheticSource(width: 8, height: 8, count: 2),
                                          model: AveragePoolModel())) { error in
            XCTAssertEqual(error as? OutputError, .exists(path: url.path))
        }
        XCTAssertEqual(try Data(contentsOf: url), Data("keep me".utf8))
        try compress(SyntheticSource(width: 8, height: 8, count: 2), model: AveragePoolModel(),
                     overwrite: true)
        XCTAssertEqual(try VTKReader(url: url).header.frameCount, 2)
    }

    func testMP4CompatibleAudioIsCarriedAndOtherAudioDropped() throws {
        let packets = (0..<3).map {
            AudioTrack.Packet(pts: Int64($0 * 1024), dts: Int64($0 * 1024), duration: 1024, flags: 1,
                              data: [UInt8](repeating: UInt8($0), count: 10 + $0))
        }
        let aac = AudioTrack(codecName: "aac", sampleRate: 48000, channels: 2, extradata: [0x11, 0x90],
                             frameSize: 1024, timeBase: Rational(num: 1, den: 48000), packets: packets)
        var url = try compress(SyntheticSource(width: 8, height: 8, count: 3, audio: aac),
                               model: AveragePoolModel(), name: "aac.vtk")
        XCTAssertEqual(try VTKFileSource(url: url).audioTrack(), aac)

        var pcm = aac
        pcm.codecName = "pcm_s16le"
        let model = AveragePoolModel()
        let compressor = Compressor(model: model, identity: try ModelIdentity(model), encoding: .float16)
        var notices: [String] = []
        compressor.notice = { notices.append($0) }
        url = directory.appendingPathComponent("pcm.vtk")
        let summary = try compressor.compress(SyntheticSource(width: 8, height: 8, count: 3, audio: pcm),
                                              path: "in.avi", into: try VTKFileSink(url: url, overwrite: false))
        XCTAssertEqual(summary.audio, false)
        XCTAssertNil(try VTKFileSource(url: url).audioTrack())
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].contains("pcm_s16le"), notices[0])
    }
}

enum ViTokConfigs {
    /// Like `AveragePoolModel.small` but with 8-frame clips.
    static let smallEightFrames = ViTokConfig(latentChannels: 3, tubelet: [2, 4, 4], clip: [8, 16, 16])
}
