import Foundation
import Metrics

/// The JSON form of a score report (`--json`), printed by `printJSON` like every other
/// command's JSON. PSNR of identical frames, +infinity, is the string "inf"; metrics that were
/// not computed are absent.
struct ScoreJSON: Encodable {
    let metrics: [String]
    let summary: Summary
    let videos: [Video]
    let notes: [String]

    init(_ report: ScoreReport) {
        metrics = report.metrics.map(\.rawValue)
        summary = Summary(videos: report.videos.count, frames: report.frameCount,
                          psnrMean: Number(report.meanPSNR), psnrPooled: Number(report.pooledPSNR),
                          ssimMean: Number(report.meanSSIM), lpipsMean: Number(report.meanLPIPS),
                          fvd: report.fvd.map { FVD(value: $0.value, clips: $0.clips, protocol: FVDResult.protocolText,
                                                    warning: $0.warning) })
        videos = report.videos.map { video in
            Video(reference: video.reference.path, distorted: video.distorted.path, width: video.width,
                  height: video.height, frames: video.frames.count, distortedKind: video.distortedKind.rawValue,
                  psnrMean: Number(video.meanPSNR), psnrPooled: Number(video.pooledPSNR),
                  ssimMean: Number(video.meanSSIM), lpipsMean: Number(video.meanLPIPS),
                  fvdClips: report.fvd == nil ? nil : video.fvdClips,
                  perFrame: video.frames.map {
                      Frame(frame: $0.index, mse: $0.mse, psnr: Number($0.psnr), ssim: Number($0.ssim), lpips: Number($0.lpips))
                  })
        }
        notes = report.notes
    }

    struct Summary: Encodable {
        let videos: Int, frames: Int
        let psnrMean: Number?, psnrPooled: Number?, ssimMean: Number?, lpipsMean: Number?
        let fvd: FVD?
    }

    struct FVD: Encodable {
        let value: Double, clips: Int, `protocol`: String
        let warning: String?
    }

    struct Video: Encodable {
        let reference: String, distorted: String
        let width: Int, height: Int, frames: Int
        let distortedKind: String
        let psnrMean: Number?, psnrPooled: Number?, ssimMean: Number?, lpipsMean: Number?
        let fvdClips: Int?
        let perFrame: [Frame]
    }

    struct Frame: Encodable {
        let frame: Int, mse: Double
        let psnr: Number?, ssim: Number?, lpips: Number?
    }

    /// A metric value; an infinite one is written "inf" or "-inf" (JSON has no infinity).
    struct Number: Encodable {
        let value: Double

        init?(_ value: Double?) {
            guard let value else { return nil }
            self.value = value
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            if value.isInfinite { try container.encode(value > 0 ? "inf" : "-inf") } else { try container.encode(value) }
        }
    }
}
