import Foundation
import Metrics

/// `--plot FILE.svg`: PSNR and SSIM per frame as two stacked line charts in a self-contained
/// SVG. Frames of all pairs run left to right; dashed lines mark where a new pair starts.
/// Infinite PSNR (identical frames) is drawn at the top edge of its panel and noted.
enum ScorePlot {
    static let width = 960.0, panelHeight = 200.0, left = 64.0, right = 24.0, top = 60.0, gap = 64.0

    struct Panel {
        let title: String
        let values: [Double?]
    }

    static func render(_ report: ScoreReport) -> String {
        let frames = report.videos.flatMap(\.frames)
        var panels: [Panel] = []
        if report.metrics.contains(.psnr) {
            panels.append(Panel(title: "PSNR (dB)", values: frames.map(\.psnr)))
        }
        if report.metrics.contains(.ssim) {
            panels.append(Panel(title: "SSIM", values: frames.map(\.ssim)))
        }
        let height = top + Double(max(panels.count, 1)) * (panelHeight + gap)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="20" font-size="14">vtkc score: per-frame quality, \(frames.count) frames, \(report.videos.count) video pair(s)</text>

            """
        var starts: [(Int, String)] = []
        var offset = 0
        for video in report.videos {
            starts.append((offset, escaped(ScoreFormat.name(video))))
            offset += video.frames.count
        }
        for (i, panel) in panels.enumerated() {
            svg += draw(panel, y0: top + Double(i) * (panelHeight + gap), count: frames.count, starts: starts)
        }
        if panels.isEmpty {
            svg += "<text x=\"\(left)\" y=\"\(top + 20)\">neither PSNR nor SSIM was computed</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func draw(_ panel: Panel, y0: Double, count: Int, starts: [(Int, String)]) -> String {
        let plotWidth = width - left - right
        let finite = panel.values.compactMap { $0 }.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-9 { (lo, hi) = (lo - 0.5, hi + 0.5) }
        let pad = (hi - lo) * 0.05
        (lo, hi) = (lo - pad, hi + pad)
        let x = { (i: Int) in c(left + (count > 1 ? Double(i) / Double(count - 1) : 0.5) * plotWidth) }
        let y = { (v: Double) in c(y0 + panelHeight - (min(max(v, lo), hi) - lo) / (hi - lo) * panelHeight) }
        let decimals = max(0, min(6, Int((-log10((hi - lo) / 4)).rounded(.up)) + 1))
        var out = "<text x=\"\(left)\" y=\"\(y0 - 8)\" font-weight=\"bold\">\(panel.title)</text>\n"
        out += "<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(plotWidth)\" height=\"\(panelHeight)\" fill=\"none\" stroke=\"#888\"/>\n"
        for t in 0...4 {
            let v = lo + (hi - lo) * Double(t) / 4, yy = y(v)
            out += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"#eee\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(yy + 4)\" text-anchor=\"end\">\(String(format: "%.\(decimals)f", v))</text>\n"
        }
        let ticks = min(10, max(count - 1, 1))
        for t in 0...ticks {
            let i = count > 1 ? Int((Double(t) / Double(ticks) * Double(count - 1)).rounded()) : 0
            out += "<text x=\"\(x(i))\" y=\"\(y0 + panelHeight + 16)\" text-anchor=\"middle\">\(i)</text>\n"
        }
        for (start, name) in starts where start > 0 || starts.count > 1 {
            let xx = x(start)
            out += "<line x1=\"\(xx)\" x2=\"\(xx)\" y1=\"\(y0)\" y2=\"\(y0 + panelHeight)\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
            out += "<text x=\"\(xx + 3)\" y=\"\(y0 + 12)\" fill=\"#666\" font-size=\"10\">\(name)</text>\n"
        }
        let points = panel.values.enumerated().compactMap { i, v -> String? in
            guard let v else { return nil }
            return "\(x(i)),\(v.isInfinite ? y0 : y(v))"
        }
        if points.count == 1 {
            let p = points[0].split(separator: ",")
            out += "<circle cx=\"\(p[0])\" cy=\"\(p[1])\" r=\"3\" fill=\"#1f5fbf\"/>\n"
        } else if !points.isEmpty {
            out += "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
        }
        if panel.values.contains(where: { $0?.isInfinite == true }) {
            out += "<text x=\"\(left + plotWidth)\" y=\"\(y0 - 8)\" text-anchor=\"end\" fill=\"#666\">inf (identical frames) drawn at the top edge</text>\n"
        }
        out += "<text x=\"\(left + plotWidth / 2)\" y=\"\(y0 + panelHeight + 34)\" text-anchor=\"middle\" fill=\"#444\">frame</text>\n"
        return out
    }

    /// A coordinate rounded to 0.1 px.
    private static func c(_ v: Double) -> Double { (v * 10).rounded() / 10 }

    private static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
