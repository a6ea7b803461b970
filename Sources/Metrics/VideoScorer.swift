import COpenBLAS
import Foundation
import Installation
import VideoIO

/// What `VideoScorer` computes and how it aligns frames.
public struct ScoreOptions: Sendable {
    /// The metrics wanted.
    public var metrics: [Metric]
    /// Whether the user named the metrics: then missing weights are an error, otherwise the
    /// metric is dropped with a note.
    public var metricsExplicit: Bool
    /// Compare only the first `frames` frames of each pair (both must have that many).
    public var frames: Int?
    /// Resize distorted frames whose size differs from the reference's (bilinear).
    public var resizeToReference: Bool
    /// Threads for SSIM and for running both sides of LPIPS and I3D at once; the report does
    /// not depend on it.
    public var threads: Int

    public init(metrics: [Metric] = Metric.allCases, metricsExplicit: Bool = false, frames: Int? = nil,
                resizeToReference: Bool = false, threads: Int = Cores.available) {
        self.metrics = metrics
        self.metricsExplicit = metricsExplicit
        self.frames = frames
        self.resizeToReference = resizeToReference
        self.threads = max(1, threads)
    }
}

/// Where a running score is, for progress display.
public struct ScoreProgress: Sendable {
    public var pair: Int
    public var pairs: Int
    public var name: String
    /// Frames done in this pair, and the expected total (from the container; 0 if unknown).
    public var frame: Int
    public var frames: Int
}

/// Scores reference/distorted video pairs frame by frame, streaming: memory holds at most one
/// 16-frame clip per side, however long the videos are.
public final class VideoScorer {
    public let options: ScoreOptions
    /// The metrics that will actually be computed (requested ones whose weights exist).
    public private(set) var metrics: [Metric]
    /// Notes for the user: metrics dropped for lack of weights, inputs whose picture size changes.
    public private(set) var notes: [String] = []
    /// How the distorted file of each pair is opened (default: as a video file).
    public var openDistorted: DistortedOpener = VideoScorer.openVideo
    private var lpips: LPIPS?
    private var i3d: I3D?

    /// Loads the networks the requested metrics need. Missing weights drop that metric with a
    /// note, or throw when the metrics were named explicitly.
    public init(options: ScoreOptions) throws {
        self.options = options
        metrics = Metric.allCases.filter(options.metrics.contains)
        if metrics.contains(.lpips) {
            lpips = try loadNetwork(.lpips) { try LPIPS(weightsURL: try MetricWeights.lpipsURL()) }
        }
        if metrics.contains(.fvd) {
            i3d = try loadNetwork(.fvd) { try I3D(weightsURL: try MetricWeights.i3dURL()) }
        }
    }

    private func loadNetwork<T>(_ metric: Metric, _ load: () throws -> T) throws -> T? {
        do { return try load() } catch let error as MetricWeightsError where !options.metricsExplicit {
            metrics.removeAll { $0 == metric }
            notes.append("\(metric.rawValue) skipped: \(error.localizedDescription)")
            return nil
        }
    }

    /// Scores every pair; FVD pools the clips of all pairs.
    public func score(pairs: [(reference: URL, distorted: URL)],
                      progress: ((ScoreProgress) -> Void)? = nil) throws -> ScoreReport {
        // Every product runs single-threaded, so its rounding never depends on how OpenBLAS
        // would split it: the report is identical for any `threads`. The parallelism is ours:
        // SSIM rows, and the reference and distorted sides of LPIPS and I3D at the same time.
        vtkc_blas_single_threaded()
        var features: ([[Double]], [[Double]]) = ([], [])
        var videos: [VideoScore] = []
        for (n, pair) in pairs.enumerated() {
            videos.append(try scorePair(pair, features: &features) { frame, total in
                progress?(ScoreProgress(pair: n, pairs: pairs.count, name: pair.distorted.lastPathComponent,
                                        frame: frame, frames: total))
            })
        }
        var report = ScoreReport(metrics: metrics, videos: videos, notes: notes)
        if metrics.contains(.fvd) {
            guard features.0.count >= FVDResult.minimumClips else {
                let error = ScoreError.fvdNeedsClips(clips: features.0.count)
                if options.metricsExplicit { throw error }
                report.metrics.removeAll { $0 == .fvd }
                report.notes.append("fvd skipped: " + (error.errorDescription ?? ""))
                return report
            }
            let value = try FrechetDistance.compute(features.0, features.1)
            report.fvd = FVDResult(value: value, clips: features.0.count)
            if let warning = report.fvd?.warning { report.notes.append(warning) }
        }
        return report
    }

    private func scorePair(_ pair: (reference: URL, distorted: URL), features: inout ([[Double]], [[Double]]),
                           progress: (Int, Int) -> Void) throws -> VideoScore {
        let ref = try VideoReader(url: pair.reference)
        let (dist, kind) = try openDistorted(pair.distorted)
        for reader in [ref, dist as? VideoReader].compactMap({ $0 }) {
            reader.notice = { [weak self] in self?.notes.append($0) }
        }
        let (w, h) = (ref.info.width, ref.info.height)
        if (dist.frameWidth, dist.frameHeight) != (w, h) && !options.resizeToReference {
            throw ScoreError.sizeMismatch(reference: pair.reference.path, referenceSize: "\(w)x\(h)",
                                          distorted: pair.distorted.path,
                                          distortedSize: "\(dist.frameWidth)x\(dist.frameHeight)")
        }
        if options.frames == nil, ref.info.frameCount > 0, dist.announcedFrameCount > 0,
           ref.info.frameCount != dist.announcedFrameCount {
            throw frameCountError(pair, ref.info.frameCount, dist.announcedFrameCount)
        }
        let limit = options.frames ?? Int.max
        let expected = min(limit, ref.info.frameCount)
        var score = VideoScore(reference: pair.reference, distorted: pair.distorted, width: w, height: h,
                               frames: [], distortedKind: kind)
        var clip: ([[UInt8]], [[UInt8]]) = ([], [])
        while score.frames.count < limit {
            let a = try ref.nextFrame(), b = try dist.nextFrame()
            guard let a, let b else {
                if a == nil && b == nil { break }
                let count = score.frames.count
                let refText = a == nil ? "\(count)" : "more than \(count)"
                let distText = b == nil ? "\(count)" : "more than \(count)"
                if options.frames != nil {
                    throw ScoreError.tooFewFrames(path: (a == nil ? pair.reference : pair.distorted).path,
                                                  frames: count, requested: limit)
                }
                throw ScoreError.frameCountMismatch(reference: pair.reference.path, referenceFrames: refText,
                                                    distorted: pair.distorted.path, distortedFrames: distText)
            }
            let reference = try aligned(a, width: w, height: h, pair: pair)
            let distorted = try aligned(b, width: w, height: h, pair: pair)
            score.frames.append(try scoreFrame(score.frames.count, w, h, reference, distorted))
            if let i3d {
                clip.0.append(reference)
                clip.1.append(distorted)
                if clip.0.count == I3D.frames {
                    let sides = clip, perSide = max(1, options.threads / 2)
                    let (a, b) = try MetricsParallel.both(threads: options.threads,
                                                          { Self.clipFeatures(i3d, sides.0, w, h, threads: perSide) },
                                                          { Self.clipFeatures(i3d, sides.1, w, h, threads: perSide) })
                    features.0.append(a)
                    features.1.append(b)
                    score.fvdClips += 1
                    clip = ([], [])
                }
            }
            progress(score.frames.count, expected)
        }
        if score.frames.isEmpty { throw ScoreError.noFrames(pair.reference.path) }
        if let limit = options.frames, score.frames.count < limit {
            throw ScoreError.tooFewFrames(path: pair.reference.path, frames: score.frames.count, requested: limit)
        }
        return score
    }

    private func frameCountError(_ pair: (reference: URL, distorted: URL), _ r: Int, _ d: Int) -> ScoreError {
        .frameCountMismatch(reference: pair.reference.path, referenceFrames: "\(r)",
                            distorted: pair.distorted.path, distortedFrames: "\(d)")
    }

    /// The frame's pixels at the reference size: resized when allowed, else an error.
    private func aligned(_ frame: RGBFrame, width: Int, height: Int,
                         pair: (reference: URL, distorted: URL)) throws -> [UInt8] {
        if frame.width == width && frame.height == height { return frame.pixels }
        guard options.resizeToReference else {
            throw ScoreError.sizeMismatch(reference: pair.reference.path, referenceSize: "\(width)x\(height)",
                                          distorted: pair.distorted.path, distortedSize: "\(frame.width)x\(frame.height)")
        }
        return FrameResize.bilinear(frame.pixels, width: frame.width, height: frame.height,
                                    toWidth: width, toHeight: height)
    }

    private func scoreFrame(_ index: Int, _ w: Int, _ h: Int, _ a: [UInt8], _ b: [UInt8]) throws -> FrameScore {
        let mse = PSNR.meanSquaredError(a, b)
        var score = FrameScore(index: index, mse: mse)
        if metrics.contains(.psnr) { score.psnr = PSNR.decibels(mse: mse) }
        if metrics.contains(.ssim) {
            score.ssim = try SSIM.compute(width: w, height: h, reference: a, distorted: b, threads: options.threads)
        }
        if let lpips {
            score.lpips = try lpips.distance(width: w, height: h, reference: a, distorted: b,
                                             threads: options.threads)
        }
        return score
    }

    /// I3D logits of one clip on `threads` (the two sides of a pair run at the same time, each
    /// on half of `--threads`).
    private static func clipFeatures(_ i3d: I3D, _ frames: [[UInt8]], _ w: Int, _ h: Int, threads: Int) -> [Double] {
        i3d.logits(clip: I3DPreprocess.clip(pixels: frames, width: w, height: h), threads: threads).map(Double.init)
    }
}
