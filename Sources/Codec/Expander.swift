import Foundation
import VideoIO
import VTKFormat

/// What an expansion run produced.
public struct ExpandSummary: Sendable, Codable, Equatable {
    public var frames: Int
    public var groups: Int
    public var tilesPerGroup: Int
    public var width: Int
    public var height: Int
    public var frameRate: String
    /// Whether an audio track was written (set by `expand(file:to:options:)`).
    public var audio = false
}

/// Decodes a latent stream group by group and writes exactly the source's frames.
public final class Expander {
    public let model: LatentModel
    public let identity: ModelIdentity
    /// Decode streams made with another model's weights (same geometry) instead of refusing.
    public var forceModel = false
    /// Largest number of tile clips handed to the model at once.
    public var maxBatch = 16
    /// Called after each group with (frames done, frames total).
    public var progress: ((Int, Int) -> Void)?

    /// An expander for `model` (`identity` hashes its weights: compute it once).
    public init(model: LatentModel, identity: ModelIdentity) {
        self.model = model
        self.identity = identity
    }

    /// Throws unless this model can expand a stream with `header`; returns its tile layout.
    public func prepare(_ header: VTKHeader, path: String) throws -> TileLayout {
        try identity.check(header, geometry: ClipGeometry(model.config), path: path, force: forceModel)
        return try TileLayout(header: header, path: path)
    }

    /// Decodes every group of `source` into `sink` and finishes the sink.
    public func expand(_ source: LatentSource, path: String, into sink: FrameSink) throws
        -> ExpandSummary {
        try expand(source, layout: try prepare(source.header, path: path), path: path, into: sink)
    }

    /// `expand` for a source already checked by `prepare`, which gave `layout`.
    func expand(_ source: LatentSource, layout: TileLayout, path: String, into sink: FrameSink) throws
        -> ExpandSummary {
        let header = source.header
        let coder = GroupCoder(model: model, layout: layout, maxBatch: maxBatch)
        let total = header.frameCount
        var written = 0
        var groups = 0
        while written < total {
            guard let latents = try source.nextGroup() else {
                throw CodecError.inconsistentFile(
                    path: path, detail: "ends after \(groups) groups but the header promises "
                        + "\(header.groupCount) (\(total) frames)")
            }
            guard latents.count == coder.latentValuesPerGroup else {
                throw CodecError.inconsistentFile(
                    path: path, detail: "group \(groups) holds \(latents.count) values, expected "
                        + "\(coder.latentValuesPerGroup)")
            }
            let frames = coder.decode(latents)
            for frame in frames.prefix(total - written) {
                try sink.write(frame)
                written += 1
            }
            groups += 1
            progress?(written, total)
        }
        try sink.finish()
        return ExpandSummary(
            frames: written, groups: groups, tilesPerGroup: layout.count, width: layout.width,
            height: layout.height, frameRate: "\(header.frameRate.num)/\(header.frameRate.den)")
    }
}
