import Foundation
import Installation

/// The engine's settings, resolved once: which weights, at what precision (the blocks' Linear
/// layers and attention), on how many threads.
/// The command line builds one from its options; every command that runs the model (compress,
/// expand, latents, score of a .vtk, seams, bench) loads it through `loadModel()`.
public struct EngineSettings: Sendable, Equatable {
    /// The weights as the user named them (a file or shard directory); nil: the default search
    /// (`ViTokModel.modelLocation`: $VTKC_MODEL, the installed copy, the source tree).
    public var model: String?
    /// How an explicitly named `model` is called in messages (the CLI says "--model").
    public var modelOriginName: String
    public var precision: EnginePrecision
    /// Attention's arithmetic; nil: `AttentionPrecision.automatic(for: precision)`.
    public var attention: AttentionPrecision?
    /// Worker threads; outputs do not depend on it.
    public var threads: Int

    public init(model: String? = nil, modelOriginName: String = "the given path",
                precision: EnginePrecision = .default, attention: AttentionPrecision? = nil,
                threads: Int? = nil) {
        self.model = model
        self.modelOriginName = modelOriginName
        self.precision = precision
        self.attention = attention
        self.threads = max(1, threads ?? Cores.available)
    }

    /// Where the weights are. Throws a one-line `ViTokError` (kind `.io`) when none is
    /// installed, or when the named or $VTKC_MODEL path does not exist (saying which).
    public func modelURL() throws -> URL {
        guard let (url, origin) = ViTokModel.modelLocation.resolve(explicit: model) else {
            throw ViTokError(.io, file: nil, "no ViTok model found: name one, set VTKC_MODEL, or install "
                + "the default model into models/vitok-sb4x8 (see README)")
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            let from = origin == .explicit ? modelOriginName : "$\(ViTokModel.modelLocation.environmentVariable)"
            throw ViTokError(.io, file: nil, "\(url.path) (from \(from)) does not exist")
        }
        return url
    }

    /// The model, loaded at `precision`, running on `threads`.
    public func loadModel() throws -> ViTokModel {
        try ViTokModel.load(try modelURL(), precision: precision, attention: attention,
                            threads: threads)
    }
}
