import Foundation
import VideoIO
import VTKFormat

/// Decodes a latent stream group by group and writes exactly the source's frames.
public final class Expander {
    public let model: LatentModel
    public let identity: ModelIdentity
    /// Decode streams made with another model's weights (same geometry) instead of refusing.
    public var forceModel = false
    /// Largest number of tile clips handed to the model at once.
    public var maxBatch = 16
    /// The memory a group may take; a larger stream is refused before decoding.
    public var memory = GroupMemory()
    /// Called after each group with (frames done, frames total).
    public var progress: ((Int, Int) -> Void)?

    /// An expander for `model` (`identity` hashes its weights: compute it once).
    public init(model: LatentModel, identity: ModelIdentity) {
        self.model = model
        self.identity = identity
    }

    /// Throws unless this model can expand a stream with `header`; returns its tile layout.
    public func prepare(_ header: VTKHeader, path: String) throws -> TileLayout {
        let geometry = ClipGeometry(model.config)
        try identity.check(header, geometry: geometry, path: path, force: forceModel)
        let layout = try TileLayout(header: header, path: path)
        try memory.check(layout: layout, geometry: geometry, maxBatch: maxBatch, path: path)
        return layout
    }

    /// Decodes every group of `source` into `sink` and finishes the sink.
    public func expand(_ source: LatentSource, path: String, into sink: FrameSink) throws
        -> RunSummary {
        try expand(source, layout: try prepare(source.header, path: path), path: path, into: sink)
    }

    /// The decoded frames of `source`, one at a time, after the checks of `prepare`.
    public func frames(_ source: LatentSource, path: String) throws -> DecodedFrames {
        frames(source, layout: try prepare(source.header, path: path), path: path)
    }

    /// `frames` for a source already checked by `prepare`, which gave `layout`.
    func frames(_ source: LatentSource, layout: TileLayout, path: String) -> DecodedFrames {
        DecodedFrames(source: source, layout: layout,
                      coder: GroupCoder(model: model, layout: layout, maxBatch: maxBatch), path: path)
    }

    /// `expand` for a source already checked by `prepare`, which gave `layout`.
    func expand(_ source: LatentSource, layout: TileLayout, path: String, into sink: FrameSink) throws
        -> RunSummary {
        let decoded = frames(source, layout: layout, path: path)
        let total = decoded.header.frameCount
        while let frame = try decoded.nextFrame() {
            try sink.write(frame)
            if decoded.atGroupEnd { progress?(decoded.framesDone, total) }
        }
        try sink.finish()
        return RunSummary(
            frames: decoded.framesDone, width: layout.width, height: layout.height,
            frameRate: "\(decoded.header.frameRate.num)/\(decoded.header.frameRate.den)",
            groups: decoded.groups, tilesPerGroup: layout.count, audio: false)
    }
}
