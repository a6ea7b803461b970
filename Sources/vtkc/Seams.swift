import ArgumentParser
import Codec
import Foundation
import Research

/// `vtkc seams`: how visible tile borders are with each tiling option.
struct Seams: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure tile seams per tiling option: step ratios across tile borders, and PSNR near them.",
        discussion: """
            Each reference video is compressed (through a real .vtk file in a temporary \
            directory) and expanded with every candidate tiling; the table gives PSNR over all \
            pixels, within --band pixels of the places where tiles meet inside the frame, and \
            over the remaining pixels, pooled over all references. A small gap (rest - border) \
            means invisible seams. Candidates are MODE[:OVERLAP[:BLEND]], e.g. none, reflect, \
            overlap:16:linear, overlap:32:cosine.

            Seam ratio: at every place where tiles meet inside the frame, the mean absolute \
            difference between the two pixel columns (or rows) that meet there in the decoded \
            frames, divided by the same statistic of the reference at the same place, pooled \
            over all such borders, frames and references. 1.0 means the decoder adds no step \
            at tile borders; a visible seam gives more. The tubelet ratio is the same for the \
            interior tubelet borders (every 8 px inside a tile), the interior ratio for all \
            other neighbouring pixels: the decoder's general smoothing, the value a seam-free \
            border would show.
            """)

    @Argument(help: ArgumentHelp("Reference videos.", valueName: "ref"))
    var references: [String]

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var encodingArguments: EncodingArguments

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Tilings to compare (default: none reflect overlap:16:linear overlap:16:cosine "
            + "overlap:32:linear overlap:32:cosine).", valueName: "candidate"),
        transform: { try TilingSpec(parsing: $0) })
    var tilings: [TilingSpec] = [TilingSpec(mode: .none), TilingSpec(mode: .reflect)]
        + [16, 32].flatMap { overlap in [BlendRamp.linear, .cosine].map { TilingSpec(mode: .overlap, overlap: overlap, ramp: $0) } }

    @Option(name: .long, help: ArgumentHelp("Use at most this many frames of each reference.", valueName: "n"))
    var frames: Int?

    @Option(name: .long, help: ArgumentHelp("Width of the border band in pixels.", valueName: "px"))
    var band = 8

    @Flag(name: .long, help: "Print JSON on stdout instead of a table.")
    var json = false

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("give at least one reference video") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1") }
        guard band >= 1 else { throw ValidationError("--band must be at least 1") }
    }

    func run() throws {
        let loaded = try IdentifiedModel(modelOptions.settings)
        var study = SeamStudy(model: loaded.model, identity: loaded.identity,
                              encoding: encodingArguments.encoding, maxFrames: frames)
        study.band = band
        let results = try study.compare(references.map { URL(fileURLWithPath: $0) },
                                        specs: tilings) { ref, r in
            printError("seams: \(r.tiling) on \(ref.relativePath): " + Self.format(r))
        }
        if json {
            try printJSON(results.map(Row.init))
        } else {
            try printOutput(table(results))
        }
    }

    /// A JSON row with the derived PSNRs (null when undefined, e.g. no borders).
    struct Row: Encodable {
        var tiling: String, tilesPerGroup: Int, frames: Int, bytes: Int
        var psnrAll: Double?, psnrBorder: Double?, psnrRest: Double?, gap: Double?, seconds: Double
        var seamRatio: Double?, tubeletRatio: Double?, interiorRatio: Double?
        init(_ r: SeamStudy.Result) {
            tiling = r.tiling; tilesPerGroup = r.tilesPerGroup; frames = r.frames; bytes = r.bytes
            seconds = r.seconds
            seamRatio = r.tileSteps.ratio
            tubeletRatio = r.tubeletSteps.ratio
            interiorRatio = r.interiorSteps.ratio
            psnrAll = r.allPSNR.flatMap(Self.finite)
            let border = r.borderPSNR.flatMap(Self.finite), rest = r.restPSNR.flatMap(Self.finite)
            psnrBorder = border
            psnrRest = rest
            gap = rest.flatMap { rest in border.map { rest - $0 } }
        }
        static func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
    }

    static func format(_ r: SeamStudy.Result) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
        let gap = r.restPSNR.flatMap { rest in r.borderPSNR.map { rest - $0 } }
        return "seam ratio \(ratio(r.tileSteps)) tubelet \(ratio(r.tubeletSteps)) interior "
            + "\(ratio(r.interiorSteps)), PSNR all \(f(r.allPSNR)) border \(f(r.borderPSNR)) rest "
            + "\(f(r.restPSNR)) gap \(f(gap)) dB"
    }

    static func ratio(_ steps: StepSums) -> String {
        steps.ratio.map { String(format: "%.3f", $0) } ?? "-"
    }

    func table(_ results: [SeamStudy.Result]) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "-" }
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var lines = ["| tiling | tiles/group | frames | bytes | seam ratio | tubelet ratio | interior ratio "
                        + "| PSNR all | PSNR border (\(band) px) | PSNR rest | gap dB |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in results {
            let gap = r.restPSNR.flatMap { rest in r.borderPSNR.map { rest - $0 } }
            lines.append("| \(r.tiling) | \(r.tilesPerGroup) | \(r.frames) | \(r.bytes) | "
                         + "\(Self.ratio(r.tileSteps)) | \(Self.ratio(r.tubeletSteps)) | \(Self.ratio(r.interiorSteps)) | "
                         + "\(f(r.allPSNR)) | "
                         + "\(f(r.borderPSNR)) | \(f(r.restPSNR)) | \(pad(f(gap), 5)) |")
        }
        return lines.joined(separator: "\n")
    }
}
