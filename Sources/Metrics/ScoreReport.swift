import Foundation

/// A metric `vtkc score` can compute.
public enum Metric: String, CaseIterable, Sendable, Codable {
    case psnr, ssim, lpips, fvd
}

/// The metrics of one frame pair.
public struct FrameScore: Sendable, Equatable {
    /// Zero-based frame index within its video.
    public var index: Int
    /// Mean squared error over the R, G and B samples.
    public var mse: Double
    /// PSNR in dB (`+infinity` for identical frames), when requested.
    public var psnr: Double?
    public var ssim: Double?
    public var lpips: Double?
}

/// The scores of one reference/distorted video pair.
public struct VideoScore: Sendable {
    public var reference: URL
    public var distorted: URL
    /// Size of the compared frames (the reference's).
    public var width: Int
    public var height: Int
    public var frames: [FrameScore]
    /// What the distorted file was: a video, or a .vtk decoded in memory.
    public var distortedKind: DistortedKind = .video
    /// Complete 16-frame clips this pair contributed to FVD.
    public var fvdClips: Int = 0

    /// Mean over frames of the per-frame PSNR (`+infinity` if any frame is identical).
    public var meanPSNR: Double? { mean(frames.compactMap(\.psnr)) }
    /// PSNR of the MSE pooled over all frames.
    public var pooledPSNR: Double? {
        frames.first?.psnr == nil ? nil : PSNR.decibels(mse: mean(frames.map(\.mse)) ?? 0)
    }
    public var meanSSIM: Double? { mean(frames.compactMap(\.ssim)) }
    public var meanLPIPS: Double? { mean(frames.compactMap(\.lpips)) }
}

/// The Frechet video distance over every clip of every pair, with the protocol it follows.
public struct FVDResult: Sendable {
    /// Protocol description printed beside the value.
    public static let protocolText =
        "I3D Kinetics-400 logits, 16-frame clips, 224x224 bilinear, values in [-1, 1]"
    /// Below this many clips the 400x400 covariances are rank-deficient and FVD is unstable.
    public static let stableClipCount = 400
    /// Fewest clips per side a covariance can be estimated from.
    public static let minimumClips = 2

    public var value: Double
    /// Clips per side the value rests on.
    public var clips: Int
    /// A warning about the clip count, when it is small.
    public var warning: String? {
        clips >= Self.stableClipCount ? nil :
            "FVD rests on only \(clips) clip\(clips == 1 ? "" : "s") per side (fewer than "
            + "\(Self.stableClipCount), so the 400x400 covariances are rank-deficient): treat it as "
            + "unstable and compare it only with values computed on the same clips"
    }
}

/// Everything `vtkc score` measured: per pair, per frame, and over the whole set.
public struct ScoreReport: Sendable {
    /// The metrics that were computed.
    public var metrics: [Metric]
    public var videos: [VideoScore]
    public var fvd: FVDResult?
    /// Notes for the user (skipped metrics, unstable FVD); printed on stderr.
    public var notes: [String] = []

    public var frameCount: Int { videos.reduce(0) { $0 + $1.frames.count } }
    private var allFrames: [FrameScore] { videos.flatMap(\.frames) }
    public var meanPSNR: Double? { mean(allFrames.compactMap(\.psnr)) }
    /// PSNR of the MSE pooled over every sample of every frame of every pair (pairs with
    /// larger frames weigh more, as their samples do).
    public var pooledPSNR: Double? {
        guard metrics.contains(.psnr), frameCount > 0 else { return nil }
        var squared: Double = 0, samples: Double = 0
        for video in videos {
            let size = Double(video.width * video.height)
            squared += video.frames.reduce(0) { $0 + $1.mse } * size
            samples += Double(video.frames.count) * size
        }
        return PSNR.decibels(mse: squared / samples)
    }
    public var meanSSIM: Double? { mean(allFrames.compactMap(\.ssim)) }
    public var meanLPIPS: Double? { mean(allFrames.compactMap(\.lpips)) }
}

func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}
