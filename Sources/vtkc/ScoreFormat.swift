import Foundation
import Metrics

/// Number formatting shared by the table, CSV and plot of `vtkc score`.
enum ScoreFormat {
    static func psnr(_ v: Double?) -> String {
        guard let v else { return "-" }
        return v.isInfinite ? "inf" : String(format: "%.2f", v)
    }

    static func unit(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.4f", v)
    }

    static func fvd(_ v: Double) -> String { String(format: "%.2f", v) }

    /// The name a pair is shown under: the distorted file's name.
    static func name(_ video: VideoScore) -> String { video.distorted.lastPathComponent }
}

/// The aligned text table printed on stdout.
enum ScoreTable {
    static func render(_ report: ScoreReport, perFrame: Bool) -> String {
        var rows: [[String]] = []
        let m = report.metrics
        var header = ["video", "frame(s)", "size"]
        if m.contains(.psnr) { header += ["PSNR mean", "PSNR pooled"] }
        if m.contains(.ssim) { header.append("SSIM") }
        if m.contains(.lpips) { header.append("LPIPS") }
        rows.append(header)
        for video in report.videos {
            let size = "\(video.width)x\(video.height)"
            if perFrame {
                for f in video.frames {
                    rows.append(cells(ScoreFormat.name(video), "#\(f.index)", size, m, f.psnr, f.psnr, f.ssim, f.lpips))
                }
            }
            rows.append(cells(ScoreFormat.name(video), "\(video.frames.count)", size, m,
                              video.meanPSNR, video.pooledPSNR, video.meanSSIM, video.meanLPIPS))
        }
        if report.videos.count > 1 {
            rows.append(cells("all (\(report.videos.count) videos)", "\(report.frameCount)", "", m,
                              report.meanPSNR, report.pooledPSNR, report.meanSSIM, report.meanLPIPS))
        }
        var text = align(rows)
        for video in report.videos where video.distortedKind != .video {
            text += "\(ScoreFormat.name(video)): \(video.distortedKind.description)\n"
        }
        if let fvd = report.fvd {
            let caution = fvd.warning == nil ? "" : "; unstable below \(FVDResult.stableClipCount) clips"
            text += "rFVD \(ScoreFormat.fvd(fvd.value))  (\(FVDResult.protocolText); \(fvd.clips) clips per side\(caution))\n"
        }
        return text
    }

    private static func cells(_ name: String, _ frames: String, _ size: String, _ m: [Metric],
                              _ psnrMean: Double?, _ psnrPooled: Double?, _ ssim: Double?, _ lpips: Double?) -> [String] {
        var row = [name, frames, size]
        if m.contains(.psnr) { row += [ScoreFormat.psnr(psnrMean), ScoreFormat.psnr(psnrPooled)] }
        if m.contains(.ssim) { row.append(ScoreFormat.unit(ssim)) }
        if m.contains(.lpips) { row.append(ScoreFormat.unit(lpips)) }
        return row
    }

    /// First column left-aligned, the others right-aligned, two spaces apart.
    private static func align(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}

/// One CSV row per frame.
enum ScoreCSV {
    static func render(_ report: ScoreReport) -> String {
        var lines = ["video,frame,mse,psnr,ssim,lpips"]
        for video in report.videos {
            let name = quoted(ScoreFormat.name(video))
            for f in video.frames {
                let psnr = f.psnr.map { $0.isInfinite ? "inf" : "\($0)" } ?? ""
                lines.append("\(name),\(f.index),\(f.mse),\(psnr),\(f.ssim.map { "\($0)" } ?? ""),\(f.lpips.map { "\($0)" } ?? "")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
