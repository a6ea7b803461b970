import COpenBLAS
import Foundation
import Installation

/// A ViTok video auto-encoder on the CPU (docs/MODEL.md): float32 compute on OpenBLAS, or the
/// transformer blocks' Linear layers in int8 on oneDNN (`EnginePrecision`).
///
/// Clips are `count x T x H x W x 3` channel-last floats in [-1, 1]; latents are
/// `count x L x c` (the encoder's mean). The config comes from the weights file, so every
/// ViTok shape (S-B/4x8, S-B/8x8, S-B/4x16, tiny test configs) runs.
public final class ViTokModel: @unchecked Sendable {
    /// The shape of the model, read from the weights' `vitok_config` metadata.
    public let config: ViTokConfig
    /// The metadata's "model_name", else the file or directory name without extension.
    public let name: String
    /// The safetensors files the weights came from, sorted by name.
    public let weightFiles: [URL]
    /// The arithmetic of the blocks' Linear layers, fixed at load.
    public let precision: EnginePrecision
    /// The arithmetic of attention's products, fixed at load.
    public let attention: AttentionPrecision
    /// Worker threads of the engine (at least 1); each runs single-threaded OpenBLAS.
    public var threads: Int {
        get { lock.withLock { threadCount } }
        set { lock.withLock { threadCount = max(1, newValue) } }
    }

    private let encoder: Encoder
    private let decoder: Decoder
    private let lock = NSLock()
    private var threadCount: Int
    /// Workspaces of finished calls, kept for the next call of the same shape: fresh memory
    /// costs page faults (~40 MB per decoded clip), measurable against a 1-2 s forward pass.
    private var spareWorkspaces: [Workspace] = []
    /// Tokens per batch step: enough rows for efficient products, bounded memory.
    private static let rowsPerStep = 4096

    private init(store: WeightStore, url: URL, precision: EnginePrecision,
                 attention: AttentionPrecision) throws {
        config = store.config
        threadCount = store.threads
        self.precision = precision
        self.attention = attention
        weightFiles = store.files
        name = store.metadata["model_name"] ?? url.deletingPathExtension().lastPathComponent
        encoder = try Encoder(store, config: config, precision: precision, attention: attention)
        decoder = try Decoder(store, config: config, precision: precision, attention: attention)
        try store.finishLoading()
    }

    /// Loads a `.safetensors` file or a directory of shards to run at `precision` (by default
    /// `EnginePrecision.default`, int8, as every command of the CLI) with `attention` (nil:
    /// `AttentionPrecision.automatic(for: precision)`) on `threads` threads, which also convert
    /// and expand the weights while loading (the values do not depend on it). Throws a
    /// `ViTokError` naming the file and tensor on malformed files, missing/invalid config, or
    /// missing, unused or wrong-shaped tensors, and when the int8 library or the asked
    /// attention cannot run.
    public static func load(_ url: URL, precision: EnginePrecision = .default,
                            attention: AttentionPrecision? = nil,
                            threads: Int = Cores.available) throws -> ViTokModel {
        let attention = attention ?? .automatic(for: precision)
        try attention.checkAvailable()
        return try ViTokModel(store: WeightStore(url: url, threads: threads), url: url,
                              precision: precision, attention: attention)
    }

    /// The oneDNN implementation of the bf16 attention products (e.g. "brg:avx512_core_bf16"),
    /// nil when attention runs in float32.
    public var attentionImplementation: String? { encoder.tower.bf16?.implementation }

    /// The distinct oneDNN implementations of the int8 products (e.g. "brg:avx512_core_vnni"),
    /// empty at float32.
    public var int8Implementations: [String] {
        var names: [String] = []
        for block in encoder.tower.blocks + decoder.tower.blocks {
            guard let layers = block.int8 else { continue }
            for layer in [layers.qkv, layers.proj, layers.fc1, layers.fc2, layers.fc3]
                where !names.contains(layer.matmul.implementation) {
                names.append(layer.matmul.implementation)
            }
        }
        return names
    }

    /// Where the default model is looked for (see `ResourceLocation` for the search order):
    /// `$VTKC_MODEL`, `<exe>/../share/vtkc/models/vitok-sb4x8`, `<repo>/models/vitok-sb4x8`.
    public static let modelLocation = ResourceLocation(
        environmentVariable: "VTKC_MODEL", installedPath: "models/vitok-sb4x8",
        sourceTreePath: "models/vitok-sb4x8")

    /// Latent means (`count x L x c`) of `count` channel-last clips (`count x T x H x W x 3`).
    public func encode(_ clips: [Float], count: Int) -> [Float] {
        run("encode", count: count, inputSize: config.clipValues, outputSize: config.latentValues,
            input: clips, tower: encoder.tower, step: encoder.encode)
    }

    /// Channel-last clips in [-1, 1] (`count x T x H x W x 3`) of `count` latent grids.
    public func decode(_ latents: [Float], count: Int) -> [Float] {
        run("decode", count: count, inputSize: config.latentValues, outputSize: config.clipValues,
            input: latents, tower: decoder.tower, step: decoder.decode)
    }

    /// Splits `count` items into steps of at most `rowsPerStep` tokens and runs `step` on each;
    /// `input` must hold exactly `count` items (a programmer error otherwise, named by `call`).
    private func run(_ call: String, count: Int, inputSize: Int, outputSize: Int, input: [Float], tower: Tower,
                     step: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, Workspace, Int)
                        -> Void) -> [Float] {
        precondition(count >= 0 && input.count == count * inputSize,
                     "\(call): expected \(count) x \(inputSize) values, got \(input.count)")
        guard count > 0 else { return [] }
        let threads = self.threads
        // OpenBLAS runs single-threaded inside the engine's own workers (see the shim): its
        // idle pool threads would otherwise spin against them, and its split would round.
        vtkc_blas_single_threaded()
        let perStep = max(1, min(count, Self.rowsPerStep / config.tokens))
        let ws = takeWorkspace(tower: tower, clips: perStep, threads: threads)
        defer { keepWorkspace(ws) }
        var output = [Float](repeating: 0, count: count * outputSize)
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var first = 0
                while first < count {
                    let clips = min(perStep, count - first)
                    step(source.baseAddress! + first * inputSize, clips,
                         target.baseAddress! + first * outputSize, ws, threads)
                    first += clips
                }
            }
        }
        return output
    }

    /// A kept workspace of the right shape, or a new one.
    private func takeWorkspace(tower: Tower, clips: Int, threads: Int) -> Workspace {
        let shape = tower.workspaceShape(clips: clips, threads: threads)
        let kept = lock.withLock { () -> Workspace? in
            spareWorkspaces.firstIndex { $0.shape == shape }.map { spareWorkspaces.remove(at: $0) }
        }
        return kept ?? Workspace(shape)
    }

    /// Keeps `ws` for reuse: one per shape (an encoder's and a decoder's, typically).
    private func keepWorkspace(_ ws: Workspace) {
        lock.withLock {
            spareWorkspaces.removeAll { $0.shape == ws.shape }
            spareWorkspaces.append(ws)
        }
    }
}
