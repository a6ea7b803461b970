import ArgumentParser
import Codec
import Foundation
import Installation
import SafeOutput
import ViTok
import VTKFormat

/// `--threads`, the one thread option of every command that computes (model, metrics, bench).
struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("threads"), help: ArgumentHelp(
        "Worker threads (default: every core the process may use). "
            + "Outputs are identical for any value.", valueName: "n"))
    var requested: Int?

    /// The thread count to use.
    var threads: Int { requested ?? Cores.available }

    func validate() throws {
        if let requested, !(1...1024).contains(requested) {
            throw ValidationError("--threads must be between 1 and 1024 (got \(requested))")
        }
    }
}

/// `--precision`, the arithmetic of the engine, shared by every command that runs the model.
struct PrecisionOptions: ParsableArguments {
    @Option(name: .customLong("precision"), help: ArgumentHelp(
        "Engine arithmetic: float32 or int8 (default: \(EnginePrecision.default.rawValue), the faster "
            + "by `scripts/bench.py engine`).",
        discussion: "int8 runs the transformer blocks' Linear layers as int8 products (oneDNN, "
            + "the CPU's best kernels picked at run time) with activations quantized per token; "
            + "its accuracy against float32 is measured in the README (int8 section). Outputs are "
            + "identical for any --threads at either precision.",
        valueName: "p"))
    var requested: EnginePrecision?

    @Option(name: .customLong("attention"), help: ArgumentHelp(
        "Attention's products: auto, float32 or bf16 (default: auto).",
        discussion: "auto is bf16 at --precision int8 on a CPU with native bf16 kernels "
            + "(AVX512_BF16 or AMX; `vtkc info --system` says which), float32 otherwise. bf16 "
            + "rounds q, k, v and the softmax weights to bf16, as in training, and accumulates "
            + "in float32; its accuracy is measured in the README (int8 section). float32 gives "
            + "the same bytes as a CPU without bf16 kernels of the same instruction set.",
        valueName: "a"))
    var attentionChoice: AttentionChoice = .auto

    /// The precision to run at.
    var precision: EnginePrecision { requested ?? .default }

    /// The attention asked for; nil: the engine's automatic choice.
    var attention: AttentionPrecision? { attentionChoice.precision }
}

/// `--attention`: a fixed arithmetic, or the engine's choice for this CPU.
enum AttentionChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, float32, bf16

    var precision: AttentionPrecision? { self == .auto ? nil : AttentionPrecision(rawValue: rawValue) }
}

extension EnginePrecision: ExpressibleByArgument {}

/// `--model`, `--precision` and `--threads`, shared by the commands that run the model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "ViTok weights: a .safetensors file or a directory of shards.",
        discussion: "Default: $VTKC_MODEL, then <exe>/../share/vtkc/models/vitok-sb4x8, then "
            + "models/vitok-sb4x8 in the source tree.",
        valueName: "file|dir"))
    var model: String?

    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var runtime: RuntimeOptions

    /// The engine settings these options name: the one value the commands hand on.
    var settings: EngineSettings {
        EngineSettings(model: model, modelOriginName: "--model", precision: precision.precision,
                       attention: precision.attention, threads: runtime.threads)
    }
}

/// `--max-memory`, the limit on one group of frames, for the commands that decode or encode
/// whole frames (compress, expand, score of a .vtk).
struct MemoryOptions: ParsableArguments {
    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Largest memory one group of frames may take (default: 4GiB).",
        discussion: "A group is 16 frames as 8-bit RGB plus their latents and one band of tiles "
            + "being blended (docs/FORMAT.md, \"Memory\"): about 50 bytes per pixel of the frame "
            + "size, 0.11 GB for 1080p, 1.7 GB for 8K. A larger input or .vtk is refused before "
            + "that memory is allocated. K/M/G/T (B) are powers of 1000, KiB/MiB/GiB/TiB of 1024.",
        valueName: "size"), transform: { try GroupMemory(limit: ByteSize.parse($0)) })
    var maxMemory: GroupMemory?

    /// The memory limit for one group.
    var memory: GroupMemory { maxMemory ?? GroupMemory() }
}

/// `-y`, the one overwrite flag of every command that writes files.
struct OverwriteOption: ParsableArguments {
    @Flag(name: .customShort("y"), help: ArgumentHelp(
        "Overwrite outputs that are existing regular files (otherwise refuse, like ffmpeg).",
        discussion: "Devices and FIFOs are written in place and never replaced; -y is not needed for them."))
    var overwrite = false
}

/// `-o`, `-y`, `--json` and `--quiet`, shared by the commands that write a file.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output: a file, a character device (/dev/null) or FIFO (written in place), or - for "
            + "standard output.", valueName: "file"))
    var output: String

    @OptionGroup var replace: OverwriteOption
    var overwrite: Bool { replace.overwrite }

    @Flag(name: .long, help: "Print a machine-readable JSON summary on stdout.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress bar and no summary on stderr.")
    var quiet = false

    func validate() throws {
        if json && output == "-" {
            throw ValidationError("--json prints to standard output, which -o - already uses for the output")
        }
    }

    /// The output target, checked before any work starts by the command's `OutputPlan`: not
    /// `input` itself and, without `-y`, not an existing regular file.
    func target(input: String) throws -> OutputTarget {
        try OutputPlan(inputs: [input], overwrite: overwrite).target(output)
    }
}

/// How `compress` covers frames with tiles.
struct TilingArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "How frames are covered by 128x128 tiles (default: \(TilingOptions.default().mode.rawValue)).",
        discussion: "none: tiles side by side, edges padded by repetition; reflect: the same, "
            + "padded by mirroring; overlap: overlapping tiles blended in pixel space; "
            + "overlap-reflect: overlap, frames smaller than a tile padded by mirroring.",
        valueName: "mode"))
    var tiling: TilingMode?

    @Option(name: .long, help: ArgumentHelp(
        "Minimum pixels shared by neighbouring tiles in the overlap modes, 0 to half a tile "
            + "(default: an eighth of a tile, 16 for 128).", valueName: "px"))
    var overlap: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Blend ramp across overlaps: linear or cosine (default: \(TilingOptions.default().ramp.rawValue)).",
        valueName: "ramp"))
    var blend: BlendRamp?

    func validate() throws {
        if let overlap, overlap < 0 { throw ValidationError("--overlap must not be negative") }
        if overlap != nil || blend != nil, let tiling, !tiling.overlaps {
            throw ValidationError("--overlap and --blend apply only to --tiling overlap or overlap-reflect")
        }
    }

    /// The tiling the flags name, unresolved: `TilingSpec.options(tileSize:)` fills in and
    /// checks the defaults for the model's tiles.
    var spec: TilingSpec { TilingSpec(mode: tiling ?? TilingOptions.defaultMode, overlap: overlap, ramp: blend) }
}

/// How latents are stored.
struct EncodingArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Latent storage: float16, or quantized (per-channel affine quantization, then range "
            + "coding of temporal residuals). Default: quantized, \(VTKLatentEncoding.defaultBits) bits.",
        valueName: "kind"))
    var latentEncoding: LatentEncodingKind?

    @Option(name: .long, help: ArgumentHelp(
        "Bits per quantized latent value, \(VTKLatentEncoding.bitsRange.lowerBound)..."
            + "\(VTKLatentEncoding.bitsRange.upperBound) (implies --latent-encoding quantized).",
        valueName: "n"))
    var bits: Int?

    func validate() throws {
        if let bits, !VTKLatentEncoding.bitsRange.contains(bits) {
            throw ValidationError("--bits must be within \(VTKLatentEncoding.bitsRange) (got \(bits))")
        }
        if bits != nil, latentEncoding == .float16 {
            throw ValidationError("--bits applies only to --latent-encoding quantized")
        }
    }

    var encoding: VTKLatentEncoding {
        switch (latentEncoding, bits) {
        case (.float16, _): return .float16
        case (nil, nil): return .default
        default: return .quantized(bits: bits ?? VTKLatentEncoding.defaultBits)
        }
    }
}

enum LatentEncodingKind: String, ExpressibleByArgument, CaseIterable {
    case float16, quantized
}

extension TilingMode: ExpressibleByArgument {}
extension BlendRamp: ExpressibleByArgument {}

/// Writes one line to standard error, its control characters escaped (a name or message that
/// comes from a file cannot forge lines or send terminal escapes).
func printError(_ line: String) {
    StandardStreams.writeError(StandardStreams.printable(line) + "\n")
}

/// Prints `value` as pretty, key-sorted JSON on standard output, keys in snake_case (the one
/// JSON style of every subcommand: `tiles_per_group`, `bits_per_pixel`, ...).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    try StandardStreams.writeOutput(Array(data) + [0x0A])
}

/// Prints `text` (and a newline, unless `terminator` says otherwise) on standard output: the
/// tables and reports of info, score, seams and bench.
func printOutput(_ text: String, terminator: String = "\n") throws {
    try StandardStreams.writeOutput(Array((text + terminator).utf8))
}
