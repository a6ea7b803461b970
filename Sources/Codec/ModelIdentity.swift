import Foundation
import ViTok
import VTKFormat

/// What identifies a model in a .vtk file: its name, the SHA-256 of its weight files and its
/// config JSON.
public struct ModelIdentity: Sendable, Equatable {
    public var name: String
    public var sha256: [UInt8]
    public var configJSON: String

    /// Hashes the model's weight files (in load order).
    public init(_ model: LatentModel) throws {
        name = model.name
        sha256 = try WeightDigest.sha256(files: model.weightFiles)
        configJSON = model.config.jsonString()
    }

    /// Lower-case hex of the digest.
    public var hex: String { Hex.string(sha256) }

    /// Throws unless a stream made with the model of `header` can be expanded by this model.
    /// A different digest is refused unless `force` is set; a different clip or latent
    /// geometry is always refused, since the latents could not even be decoded.
    public func check(_ header: VTKHeader, geometry: ClipGeometry, path: String, force: Bool) throws {
        let expected = [header.groupLength, header.tiling.tileHeight, header.tiling.tileWidth,
                        header.tokensPerTile, header.latentChannels]
        let actual = [geometry.frames, geometry.tileHeight, geometry.tileWidth, geometry.tokens,
                      geometry.channels]
        guard expected == actual else {
            throw CodecError.geometryMismatch(
                "\(path): made with model \(header.modelName) for clips \(expected[0])x\(expected[1])x"
                + "\(expected[2]) with \(expected[3])x\(expected[4]) latents, but the loaded model "
                + "\(name) uses \(actual[0])x\(actual[1])x\(actual[2]) with \(actual[3])x\(actual[4])")
        }
        guard !force else { return }
        do {
            try header.checkModel(sha256: sha256, name: name, file: path)
        } catch {
            throw CodecError.modelMismatch(error.localizedDescription)
        }
    }
}

/// A loaded model and its identity (its weights hashed once): what the compressor, the
/// expander and the seam study are made from.
public struct IdentifiedModel {
    public let model: ViTokModel
    public let identity: ModelIdentity

    /// Loads the model `settings` name and hashes its weights.
    public init(_ settings: EngineSettings) throws {
        model = try settings.loadModel()
        identity = try ModelIdentity(model)
    }
}

extension Compressor {
    /// A compressor for `loaded`.
    public convenience init(_ loaded: IdentifiedModel, tiling: TilingOptions? = nil, encoding: VTKLatentEncoding = .default) {
        self.init(model: loaded.model, identity: loaded.identity, tiling: tiling, encoding: encoding)
    }
}

extension Expander {
    /// An expander for `loaded`.
    public convenience init(_ loaded: IdentifiedModel) {
        self.init(model: loaded.model, identity: loaded.identity)
    }
}
