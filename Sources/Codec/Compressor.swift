import Foundation
import VideoIO
import VTKFormat

/// Streams frames through the model into a latent sink, one group at a time: memory does not
/// grow with the length of the video.
public final class Compressor {
    public let model: LatentModel
    public let identity: ModelIdentity
    /// The tiling; nil means `TilingOptions.default(tileSize:)` for the model's tiles.
    public var tiling: TilingOptions?
    public var encoding: VTKLatentEncoding
    /// Resizing and cropping of decoded frames (for `compress(_:to:)`); none by default.
    public var preprocessing = FramePreprocessing()
    /// Largest number of tile clips handed to the model at once.
    public var maxBatch = 16
    /// The memory a group may take; a larger frame is refused at its first frame.
    public var memory = GroupMemory()
    /// Called after each group with (frames done, frames expected); the estimate may be 0.
    public var progress: ((Int, Int) -> Void)?
    /// Called with a one-line notice for the user (e.g. audio that cannot be kept).
    public var notice: ((String) -> Void)?

    /// A compressor for `model` (`identity` hashes its weights: compute it once).
    public init(model: LatentModel, identity: ModelIdentity, tiling: TilingOptions? = nil,
                encoding: VTKLatentEncoding = .default) {
        self.model = model
        self.identity = identity
        self.tiling = tiling
        self.encoding = encoding
    }

    /// Compresses every frame of `source` into `sink`; `path` names the input in errors and
    /// in the stored metadata.
    public func compress(_ source: FrameSource, path: String, into sink: LatentSink) throws
        -> RunSummary {
        let geometry = ClipGeometry(model.config)
        let info = source.sourceInfo
        let rate = info.frameRate.reduced
        guard rate.isPositive, rate.num <= Int(UInt32.max), rate.den <= Int(UInt32.max) else {
            throw CodecError.invalidOption("\(path): frame rate \(info.frameRate) is not usable")
        }
        if info.variableFrameRate { notice?(VideoInfo.variableRateWarning(path: path, frameRate: rate)) }
        let tiling = effectiveTiling
        let layoutFor = { (frame: RGBFrame) in
            try TileLayout(width: frame.width, height: frame.height, tileWidth: geometry.tileWidth,
                           tileHeight: geometry.tileHeight, options: tiling, path: path)
        }
        var grouper = FrameGrouper(source: source, length: geometry.frames, path: path)
        grouper.checkFirstFrame = { [memory, maxBatch] frame in
            try memory.check(layout: try layoutFor(frame), geometry: geometry, maxBatch: maxBatch, path: path)
        }
        guard let first = try grouper.next() else { throw CodecError.noFrames(path: path) }
        let layout = try layoutFor(first.frames[0])
        let coder = GroupCoder(model: model, layout: layout, maxBatch: maxBatch)
        try sink.begin(header(info: info, rate: rate, layout: layout, geometry: geometry, path: path))

        var group: (frames: [RGBFrame], real: Int)? = first
        var groups = 0
        while let current = group {
            try sink.writeGroup(coder.encode(current.frames))
            groups += 1
            progress?(grouper.framesRead, info.frameCount)
            group = try grouper.next()
        }
        let audio = AudioTrack.keptInMP4(source.audio) { notice?($0) }
        try sink.finish(frameCount: grouper.framesRead, audio: audio)
        return RunSummary(
            frames: grouper.framesRead, width: layout.width, height: layout.height, frameRate: rate.description,
            groups: groups, tilesPerGroup: layout.count, audio: audio != nil, tiling: tiling.description,
            latentEncoding: encoding.description, bytes: 0)
    }

    private func header(info: SourceInfo, rate: Rational, layout: TileLayout,
                        geometry: ClipGeometry, path: String) -> VTKHeader {
        var metadata = [
            "source": URL(fileURLWithPath: path).lastPathComponent,
            "source_codec": info.codecName,
            "engine_precision": model.precision.rawValue,
            "engine_attention": model.attention.rawValue,
        ]
        if info.rotation != 0 { metadata["rotation"] = String(info.rotation) }
        metadata.merge(info.preprocessing) { a, _ in a }
        let aspect = info.pixelAspect.reduced.isPositive ? info.pixelAspect.reduced : Rational(num: 1, den: 1)
        return VTKHeader(
            modelName: identity.name, modelSHA256: identity.sha256,
            modelConfigJSON: identity.configJSON, width: layout.width, height: layout.height,
            frameCount: max(1, info.frameCount),
            frameRate: VTKRational(num: rate.num, den: rate.den),
            pixelAspect: VTKRational(num: aspect.num, den: aspect.den),
            groupLength: geometry.frames, tiling: layout.vtkTiling,
            tokensPerTile: geometry.tokens, latentChannels: geometry.channels,
            encoding: encoding, predictionStride: predictionStride(geometry),
            metadata: metadata)
    }

    /// The tiling in use: `tiling`, or the default for the model's tiles.
    private var effectiveTiling: TilingOptions {
        let geometry = ClipGeometry(model.config)
        return tiling ?? .default(tileSize: min(geometry.tileWidth, geometry.tileHeight))
    }

    private func predictionStride(_ geometry: ClipGeometry) -> Int {
        encoding == .float16 ? 0 : geometry.predictionStride
    }

    /// Whether a file with `header` was made by this compressor's settings: the same model
    /// (digest and config) at the same engine precision and attention, latent encoding, tiling
    /// and frame preprocessing. A batch skips an existing output only when this holds and every
    /// record reads back intact.
    public func madeWithSettings(_ header: VTKHeader) -> Bool {
        let geometry = ClipGeometry(model.config)
        let tiling = effectiveTiling
        let settings = preprocessing.settings
        return header.modelSHA256 == identity.sha256 && header.modelConfigJSON == identity.configJSON
            && header.metadata["engine_precision"] == model.precision.rawValue
            // Files from before attention was recorded ran it in float32.
            && (header.metadata["engine_attention"] ?? "float32") == model.attention.rawValue
            && header.encoding == encoding && header.predictionStride == predictionStride(geometry)
            && header.groupLength == geometry.frames && header.tiling.mode == tiling.vtkMode
            && header.tiling.tileWidth == geometry.tileWidth && header.tiling.tileHeight == geometry.tileHeight
            && header.tiling.overlapX == tiling.overlap && header.tiling.overlapY == tiling.overlap
            && FramePreprocessing.settingKeys.allSatisfy { header.metadata[$0] == settings[$0] }
    }
}
