import ArgumentParser
import Foundation
import Metrics
import SafeOutput

/// `vtkc score`: PSNR, SSIM, LPIPS and rFVD of a distorted video against its reference.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare videos with their references: PSNR, SSIM, LPIPS and rFVD.",
        discussion: """
            REF and DIST are two video files (any format FFmpeg reads), or two directories whose \
            files are paired by the same file name, then by the same stem (clip1.mp4 with \
            clip1.mp4, else with clip1.vtk or clip1.mkv: a folder of .vtk files scores against \
            the folder of videos they came from); a file without a partner, or a stem shared by \
            several unpaired files, is an error. Frames are compared in decoding order at the \
            reference's size, as decoded: a display rotation (a phone clip's display matrix) is \
            not applied to either side.

            A distorted file ending in .vtk is not a video: its latents are decoded in memory by \
            the engine (--model, as expand) and those frames are scored, with no video codec in \
            between: the tokenizer's loss alone, the same numbers as scoring `vtkc expand -o \
            out.mkv` (lossless FFV1). The report says which kind each distorted input was \
            (JSON: "distorted_kind": "video" or "vtk"; the table adds a line for each .vtk).

            PSNR: 8-bit RGB, peak 255, per frame; the summary gives the mean over frames and \
            the PSNR of the MSE pooled over all samples of all frames. Identical frames give \
            inf.
            SSIM: Wang et al. 2004 as scikit-image's structural_similarity with \
            gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255, per \
            RGB channel and averaged. Frames must be at least 11x11.
            LPIPS: AlexNet, v0.1 linear heads, inputs in [-1, 1]; frames at least 31x31.
            rFVD: I3D Kinetics-400 logits averaged over time, non-overlapping 16-frame clips \
            (a last partial clip is left out) resized bilinearly to 224x224, values in [-1, 1]; \
            Frechet distance between the reference and distorted clip sets, pooled over all \
            pairs; it needs at least 2 clips (32 frames) per side. FVD on fewer than 400 clips \
            is unstable and is reported with a warning.

            LPIPS and rFVD need converted weights in $VTKC_WEIGHTS_DIR or <repo>/weights, \
            installed once with scripts/setup_weights.sh. Without them score still reports \
            PSNR and SSIM and says on stderr how to install the rest; naming lpips or fvd in \
            --metrics makes missing weights an error.

            Frame counts and sizes must agree unless --frames or --resize-to-ref says what to \
            do; there is no silent truncation. The summary table goes to stdout; progress \
            (when stderr is a terminal) and notes go to stderr.

            JSON (--json): {"metrics", "summary": {frames, videos, psnr_mean, psnr_pooled, \
            ssim_mean, lpips_mean, fvd: {value, clips, protocol, warning}}, "videos": [{reference, \
            distorted, distorted_kind, width, height, frames, psnr_mean, ..., per_frame: [{frame, mse, psnr, ssim, \
            lpips}]}], "notes"}. Metrics not computed are absent; infinite PSNR is the string "inf".
            """)

    @Argument(help: ArgumentHelp("Reference video file or directory.", valueName: "REF"))
    var reference: String

    @Argument(help: ArgumentHelp("Distorted video file or directory (same layout as REF).", valueName: "DIST"))
    var distorted: String

    @Option(name: .long, help: ArgumentHelp(
        "Comma-separated metrics to compute, from psnr, ssim, lpips, fvd (default: all whose weights are installed).",
        valueName: "list"), transform: Score.parseMetrics)
    var metrics: [Metric]?

    @Flag(name: .long, help: "Print the report as JSON on stdout instead of the table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write one CSV row per frame (video, frame, mse, psnr, ssim, lpips) to FILE.", valueName: "FILE"))
    var csv: String?

    @Option(name: .long, help: ArgumentHelp("Draw PSNR and SSIM per frame into an SVG image at FILE.", valueName: "FILE.svg"))
    var plot: String?

    /// -y for the --csv and --plot files.
    @OptionGroup var replace: OverwriteOption
    var overwrite: Bool { replace.overwrite }

    @Flag(name: .long, help: "Also print one table row per frame.")
    var perFrame = false

    @Option(name: .long, help: ArgumentHelp("Compare only the first N frames of each pair (each must have at least N).", valueName: "N"))
    var frames: Int?

    @Flag(name: .long, help: "Resize distorted frames to the reference's size (bilinear) instead of failing when sizes differ.")
    var resizeToRef = false

    /// --model (for a distorted .vtk) and --threads.
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var memoryOptions: MemoryOptions

    @Flag(name: .long, help: "Decode a .vtk made with other weights of the same shape instead of refusing it.")
    var forceModel = false

    @Flag(name: .long, help: "No progress and no notes on stderr (errors are still printed).")
    var quiet = false

    static func parseMetrics(_ text: String) throws -> [Metric] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var chosen: [Metric] = []
        for name in names where !name.isEmpty {
            guard let metric = Metric(rawValue: name) else {
                throw ValidationError("unknown metric '\(name)' in --metrics; choose from psnr, ssim, lpips, fvd")
            }
            if !chosen.contains(metric) { chosen.append(metric) }
        }
        guard !chosen.isEmpty else { throw ValidationError("--metrics needs at least one of psnr, ssim, lpips, fvd") }
        return chosen
    }

    func validate() throws {
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
        for (option, path) in [("--csv", csv), ("--plot", plot)] where path == "-" {
            throw ValidationError("\(option) - is not possible: the report itself goes to standard output")
        }
    }

    func run() throws {
        let pairs = try ScoreInputs.pairs(reference: URL(fileURLWithPath: reference),
                                          distorted: URL(fileURLWithPath: distorted))
        // The report files are checked before any work against every file scored, as every
        // output is.
        let plan = OutputPlan(inputs: [reference, distorted] + pairs.flatMap { [$0.reference.path, $0.distorted.path] },
                              overwrite: overwrite)
        let csvTarget = try csv.map { try plan.target($0) }
        let plotTarget = try plot.map { try plan.target($0) }
        let options = ScoreOptions(metrics: metrics ?? Metric.allCases, metricsExplicit: metrics != nil,
                                   frames: frames, resizeToReference: resizeToRef,
                                   threads: modelOptions.runtime.threads)
        let scorer = try VideoScorer(options: options)
        let opener = ScoreOpener(modelOptions: modelOptions, memory: memoryOptions, forceModel: forceModel)
        scorer.openDistorted = opener.open
        let bar = ProgressBar(label: "score", quiet: quiet)
        let report = try scorer.score(pairs: pairs) { p in
            bar.label = p.pairs > 1 ? "score [\(p.pair + 1)/\(p.pairs)] \(p.name)" : "score \(p.name)"
            bar.update(done: p.frame, total: p.frames)
        }
        bar.finish()
        try csvTarget?.commit(Data(ScoreCSV.render(report).utf8))
        try plotTarget?.commit(Data(ScorePlot.render(report).utf8))
        if json {
            try printJSON(ScoreJSON(report))
        } else {
            try printOutput(ScoreTable.render(report, perFrame: perFrame), terminator: "")
        }
        if !quiet {
            for note in report.notes { printError("note: " + note) }
        }
    }
}
