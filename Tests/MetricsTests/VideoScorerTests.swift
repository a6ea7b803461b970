import Foundation
import Testing
import VideoIO
@testable import Metrics

/// Small H.264 clips written with VideoWriter into a temporary directory.
final class ScratchClips {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vtkc-score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A moving colour gradient; `seed` changes the pattern.
    @discardableResult
    func clip(_ name: String, width: Int = 64, height: Int = 48, frames: Int = 6, seed: Int = 0,
              in subdirectory: String? = nil) throws -> URL {
        var dir = directory
        if let subdirectory {
            dir = directory.appendingPathComponent(subdirectory)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        let url = dir.appendingPathComponent(name)
        let writer = try VideoWriter(url: url, width: width, height: height, frameRate: Rational(num: 10, den: 1))
        for t in 0..<frames {
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 3
                    pixels[i] = UInt8((x * 4 + t * 9 + seed * 50) & 255)
                    pixels[i + 1] = UInt8((y * 5 + seed * 80) & 255)
                    pixels[i + 2] = UInt8(((x + y) * 3 + t * 5) & 255)
                }
            }
            try writer.write(RGBFrame(width: width, height: height, pixels: pixels))
        }
        try writer.finish()
        return url
    }
}

@Suite struct VideoScorerTests {
    let options = ScoreOptions(metrics: [.psnr, .ssim], metricsExplicit: true)

    @Test func identicalVideosGiveInfinitePSNRAndUnitSSIM() throws {
        let clips = try ScratchClips()
        let a = try clips.clip("a.mp4")
        let report = try VideoScorer(options: options).score(pairs: [(a, a)])
        #expect(report.frameCount == 6)
        #expect(report.pooledPSNR == .infinity)
        #expect(report.videos[0].frames.allSatisfy { $0.psnr == .infinity && $0.ssim == 1 })
    }

    @Test func differentVideosGiveFiniteScoresAndPooledPSNRComesFromTheMeanMSE() throws {
        let clips = try ScratchClips()
        let a = try clips.clip("a.mp4"), b = try clips.clip("b.mp4", seed: 1)
        let report = try VideoScorer(options: options).score(pairs: [(a, b)])
        let frames = report.videos[0].frames
        #expect(frames.count == 6)
        #expect(frames.allSatisfy { ($0.psnr ?? .infinity) < 40 && ($0.ssim ?? 1) < 0.99 })
        let meanMSE = frames.map(\.mse).reduce(0, +) / 6
        #expect(abs(report.pooledPSNR! - 10 * log10(65025 / meanMSE)) < 1e-12)
    }

    @Test func frameCountMismatchIsAnErrorUnlessFramesIsGiven() throws {
        let clips = try ScratchClips()
        let a = try clips.clip("a.mp4", frames: 6), b = try clips.clip("b.mp4", frames: 4)
        #expect(throws: ScoreError.self) { try VideoScorer(options: options).score(pairs: [(a, b)]) }
        var first4 = options
        first4.frames = 4
        #expect(try VideoScorer(options: first4).score(pairs: [(a, b)]).frameCount == 4)
        first4.frames = 5
        #expect(throws: ScoreError.self) { try VideoScorer(options: first4).score(pairs: [(a, b)]) }
    }

    @Test func sizeMismatchIsAnErrorUnlessResizeIsAllowed() throws {
        let clips = try ScratchClips()
        let a = try clips.clip("a.mp4"), b = try clips.clip("b.mp4", width: 32, height: 24)
        do {
            _ = try VideoScorer(options: options).score(pairs: [(a, b)])
            Issue.record("size mismatch was not reported")
        } catch let error as ScoreError {
            guard case .sizeMismatch = error else { Issue.record("unexpected \(error)"); return }
            // The library names no command-line flag; vtkc's ErrorHints adds --resize-to-ref.
            #expect(error.localizedDescription.contains("32x24") && !error.localizedDescription.contains("--"))
        }
        var resize = options
        resize.resizeToReference = true
        let report = try VideoScorer(options: resize).score(pairs: [(a, b)])
        #expect(report.videos[0].width == 64 && report.frameCount == 6)
        #expect(report.meanSSIM! > 0.5)
    }

    @Test func missingFileIsAClearError() throws {
        let clips = try ScratchClips()
        let a = try clips.clip("a.mp4")
        let missing = clips.directory.appendingPathComponent("nope.mp4")
        #expect(throws: (any Error).self) { try VideoScorer(options: options).score(pairs: [(a, missing)]) }
        #expect(throws: ScoreError.notFound(missing.path)) {
            try ScoreInputs.pairs(reference: a, distorted: missing)
        }
    }

    @Test func directoriesPairTheRestByStem() throws {
        let clips = try ScratchClips()
        try clips.clip("x.mp4", in: "ref")
        try clips.clip("y.mp4", in: "ref")
        try clips.clip("w.mkv", in: "ref")
        try clips.clip("x.mp4", in: "dist")
        try clips.clip("y.mkv", in: "dist")
        try Data("latents".utf8).write(to: clips.directory.appendingPathComponent("dist/w.vtk"))
        let ref = clips.directory.appendingPathComponent("ref"), dist = clips.directory.appendingPathComponent("dist")
        let pairs = try ScoreInputs.pairs(reference: ref, distorted: dist)
        #expect(pairs.map { "\($0.reference.lastPathComponent)=\($0.distorted.lastPathComponent)" }
                == ["w.mkv=w.vtk", "x.mp4=x.mp4", "y.mp4=y.mkv"])
        // two unpaired distorted files of stem y: no guessing
        try Data("latents".utf8).write(to: dist.appendingPathComponent("y.vtk"))
        #expect(throws: ScoreError.ambiguousStem("y", reference: ["y.mp4"], distorted: ["y.mkv", "y.vtk"])) {
            try ScoreInputs.pairs(reference: ref, distorted: dist)
        }
    }

    @Test func directoriesPairByExactFileName() throws {
        let clips = try ScratchClips()
        try clips.clip("x.mp4", in: "ref")
        try clips.clip("y.mp4", in: "ref")
        try clips.clip("x.mp4", seed: 1, in: "dist")
        try clips.clip("z.mkv", in: "dist")
        let ref = clips.directory.appendingPathComponent("ref"), dist = clips.directory.appendingPathComponent("dist")
        do {
            _ = try ScoreInputs.pairs(reference: ref, distorted: dist)
            Issue.record("unmatched files were not reported")
        } catch let error as ScoreError {
            let text = error.localizedDescription
            #expect(text.contains("y.mp4") && text.contains("z.mkv"))
        }
        try FileManager.default.removeItem(at: dist.appendingPathComponent("z.mkv"))
        try clips.clip("y.mp4", in: "dist")
        let pairs = try ScoreInputs.pairs(reference: ref, distorted: dist)
        #expect(pairs.map(\.reference.lastPathComponent) == ["x.mp4", "y.mp4"])
        let report = try VideoScorer(options: options).score(pairs: pairs)
        #expect(report.videos.count == 2 && report.frameCount == 12)
        #expect(report.videos[1].meanPSNR == .infinity && report.videos[0].meanPSNR! < 40)
        #expect(throws: ScoreError.mixedInputs(directory: ref.path, file: pairs[0].distorted.path)) {
            try ScoreInputs.pairs(reference: ref, distorted: pairs[0].distorted)
        }
    }

    @Test func emptyDirectoriesAreRefused() throws {
        let clips = try ScratchClips()
        let a = clips.directory.appendingPathComponent("a"), b = clips.directory.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        #expect(throws: ScoreError.emptyDirectory(a.path)) { try ScoreInputs.pairs(reference: a, distorted: b) }
    }

    @Test func bilinearResizeKeepsConstantsAndHalvesGradients() {
        let flat = [UInt8](repeating: 77, count: 5 * 3 * 3)
        #expect(FrameResize.bilinear(flat, width: 5, height: 3, toWidth: 9, toHeight: 7).allSatisfy { $0 == 77 })
        // 4x1 ramp 0, 60, 120, 180 -> 2x1 averages the pairs at half-pixel centres: 30, 150.
        let ramp: [UInt8] = [0, 0, 0, 60, 60, 60, 120, 120, 120, 180, 180, 180]
        #expect(FrameResize.bilinear(ramp, width: 4, height: 1, toWidth: 2, toHeight: 1) == [30, 30, 30, 150, 150, 150])
    }
}

@Suite struct ZeroFrameTests {
    /// A YUV4MPEG2 file holding only its stream header: a video stream with no frames.
    @Test func videoWithoutFramesIsRefused() throws {
        let clips = try ScratchClips()
        let empty = clips.directory.appendingPathComponent("empty.y4m")
        try Data("YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C444\n".utf8).write(to: empty)
        let options = ScoreOptions(metrics: [.psnr], metricsExplicit: true)
        #expect(throws: ScoreError.noFrames(empty.path)) {
            try VideoScorer(options: options).score(pairs: [(empty, empty)])
        }
    }
}

@Suite struct ScoreReportTests {
    @Test func pooledPSNRWeighsEverySample() {
        let url = URL(fileURLWithPath: "/x")
        let small = VideoScore(reference: url, distorted: url, width: 10, height: 10,
                               frames: [FrameScore(index: 0, mse: 100, psnr: PSNR.decibels(mse: 100))])
        let large = VideoScore(reference: url, distorted: url, width: 20, height: 20,
                               frames: [FrameScore(index: 0, mse: 0, psnr: .infinity)])
        let report = ScoreReport(metrics: [.psnr], videos: [small, large])
        // (100 * 100 + 0 * 400) / 500 = 20
        #expect(abs(report.pooledPSNR! - 10 * log10(65025.0 / 20)) < 1e-12)
        #expect(report.meanPSNR == .infinity)
        #expect(ScoreReport(metrics: [.ssim], videos: [small]).pooledPSNR == nil)
    }

    @Test func fvdWarnsBelowFourHundredClips() {
        #expect(FVDResult(value: 1, clips: 2).warning?.contains("unstable") == true)
        #expect(FVDResult(value: 1, clips: 400).warning == nil)
    }
}
