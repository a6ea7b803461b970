import Foundation
import Metrics

/// The JSON form of a score report (`--json`). PSNR of identical frames, +infinity, is the
/// string "inf"; metrics that were not computed are absent.
enum ScoreJSON {
    static func render(_ report: ScoreReport) throws -> String {
        var summary: [String: Any] = ["videos": report.videos.count, "frames": report.frameCount]
        summary["psnr_mean"] = number(report.meanPSNR)
        summary["psnr_pooled"] = number(report.pooledPSNR)
        summary["ssim_mean"] = number(report.meanSSIM)
        summary["lpips_mean"] = number(report.meanLPIPS)
        if let fvd = report.fvd {
            var entry: [String: Any] = ["value": fvd.value, "clips": fvd.clips, "protocol": FVDResult.protocolText]
            entry["warning"] = fvd.warning
            summary["fvd"] = entry
        }
        let videos: [[String: Any]] = report.videos.map { video in
            var v: [String: Any] = [
                "reference": video.reference.path, "distorted": video.distorted.path,
                "width": video.width, "height": video.height, "frames": video.frames.count,
                "distorted_kind": video.distortedKind.rawValue,
            ]
            v["psnr_mean"] = number(video.meanPSNR)
            v["psnr_pooled"] = number(video.pooledPSNR)
            v["ssim_mean"] = number(video.meanSSIM)
            v["lpips_mean"] = number(video.meanLPIPS)
            if report.fvd != nil { v["fvd_clips"] = video.fvdClips }
            v["per_frame"] = video.frames.map { f -> [String: Any] in
                var row: [String: Any] = ["frame": f.index, "mse": f.mse]
                row["psnr"] = number(f.psnr)
                row["ssim"] = number(f.ssim)
                row["lpips"] = number(f.lpips)
                return row
            }
            return v
        }
        let root: [String: Any] = ["metrics": report.metrics.map(\.rawValue), "summary": summary,
                                   "videos": videos, "notes": report.notes]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func number(_ v: Double?) -> Any? {
        guard let v else { return nil }
        return v.isInfinite ? (v > 0 ? "inf" : "-inf") : v
    }
}
