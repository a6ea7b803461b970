import Foundation
import ViTok

/// What the codec needs from an auto-encoder: batches of clips in, latents out, and back.
///
/// `ViTokModel` conforms; tests use small fakes with the same layout. A clip is
/// `T x H x W x 3` floats (channel-last, values in [-1, 1]) where `(T, H, W)` is
/// `config.clip`; its latents are `config.tokens x config.latentChannels` floats.
public protocol LatentModel: AnyObject {
    /// The model's shape; the codec reads the clip size and latent size from it.
    var config: ViTokConfig { get }
    /// A human-readable model name stored in the container.
    var name: String { get }
    /// The files the weights were read from; their SHA-256 identifies the model.
    var weightFiles: [URL] { get }
    /// Worker threads the model may use.
    var threads: Int { get set }
    /// The arithmetic the model computes in; recorded in the .vtk metadata as
    /// `engine_precision`.
    var precision: EnginePrecision { get }
    /// The arithmetic of attention's products; recorded as `engine_attention`.
    var attention: AttentionPrecision { get }
    /// Encodes `count` clips laid out one after the other into `count` latent blocks.
    func encode(_ clips: [Float], count: Int) -> [Float]
    /// Decodes `count` latent blocks into `count` clips (values clamped to [-1, 1]).
    func decode(_ latents: [Float], count: Int) -> [Float]
}

extension ViTokModel: LatentModel {}

extension LatentModel {
    /// float32, for models with no attention of their own (the tests' fakes).
    public var attention: AttentionPrecision { .float32 }
}

/// The geometry the codec derives from a model's config.
public struct ClipGeometry: Sendable, Equatable {
    /// Frames per clip (and per group).
    public var frames: Int
    /// Tile height and width in pixels.
    public var tileHeight: Int
    public var tileWidth: Int
    /// Latent values per clip: tokens x channels.
    public var tokens: Int
    public var channels: Int
    /// Tokens per latent time step (grid height x grid width): a token's predecessor at the
    /// same position one time step earlier is this many tokens back.
    public var tokensPerTimeStep: Int

    /// The geometry of `config`.
    public init(_ config: ViTokConfig) {
        frames = config.clip[0]
        tileHeight = config.clip[1]
        tileWidth = config.clip[2]
        tokens = config.tokens
        channels = config.latentChannels
        tokensPerTimeStep = config.grid[1] * config.grid[2]
    }

    /// The quantized coder's prediction stride for this geometry: one time step, when the
    /// clip has more than one (else 0, no prediction).
    public var predictionStride: Int { tokensPerTimeStep < tokens ? tokensPerTimeStep : 0 }

    /// Floats in one clip.
    public var clipValues: Int { frames * tileHeight * tileWidth * 3 }
    /// Floats in one clip's latents.
    public var latentValues: Int { tokens * channels }
}
