import Codec
import Foundation
import VideoIO
import VTKFormat

/// Measures how visible tile borders are for a tiling: compress a reference video through a
/// real .vtk file, expand it, and compare PSNR near tile borders with PSNR elsewhere, and the
/// step across tile and tubelet borders with the reference's (`SeamMeter`).
public struct SeamStudy {
    /// One measurement: pooled squared errors near borders and elsewhere.
    public struct Result: Sendable, Codable, Equatable {
        public var tiling: String
        public var tilesPerGroup: Int
        public var frames: Int
        public var bytes: Int
        public var borderError: Double
        public var borderSamples: Int
        public var restError: Double
        public var restSamples: Int
        /// Steps across tile borders, interior tubelet borders and other pixel borders.
        public var tileSteps: StepSums
        public var tubeletSteps: StepSums
        public var interiorSteps: StepSums
        public var seconds: Double

        /// Adds another clip's measurement of the same tiling.
        public mutating func add(_ other: Result) {
            tilesPerGroup += other.tilesPerGroup
            frames += other.frames
            bytes += other.bytes
            borderError += other.borderError
            borderSamples += other.borderSamples
            restError += other.restError
            restSamples += other.restSamples
            tileSteps.add(other.tileSteps)
            tubeletSteps.add(other.tubeletSteps)
            interiorSteps.add(other.interiorSteps)
            seconds += other.seconds
        }

        public var borderPSNR: Double? { SeamMeter.psnr(error: borderError, samples: borderSamples) }
        public var restPSNR: Double? { SeamMeter.psnr(error: restError, samples: restSamples) }
        public var allPSNR: Double? {
            SeamMeter.psnr(error: borderError + restError, samples: borderSamples + restSamples)
        }
    }

    public let model: LatentModel
    public let identity: ModelIdentity
    public var encoding: VTKLatentEncoding
    /// Frames per clip to use (nil: all).
    public var maxFrames: Int?
    /// Width of the border band in pixels.
    public var band = 8

    public init(model: LatentModel, identity: ModelIdentity, encoding: VTKLatentEncoding = .default,
                maxFrames: Int? = nil) {
        self.model = model
        self.identity = identity
        self.encoding = encoding
        self.maxFrames = maxFrames
    }

    /// Every tiling of `specs` (for the model's tiles) on every reference, pooled per tiling,
    /// in order; the .vtk files go to a temporary folder removed afterwards. `progress` gets
    /// each single measurement as it ends.
    public func compare(_ references: [URL], specs: [TilingSpec],
                        progress: (URL, Result) -> Void = { _, _ in }) throws -> [Result] {
        let geometry = ClipGeometry(model.config)
        let tilings = try specs.map { try $0.options(tileSize: min(geometry.tileWidth, geometry.tileHeight)) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vtkc-seams-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        return try tilings.map { tiling in
            var pooled: Result?
            for reference in references {
                let r = try measure(reference, tiling: tiling, scratch: scratch)
                progress(reference, r)
                if pooled == nil { pooled = r } else { pooled!.add(r) }
            }
            return pooled!
        }
    }

    /// Compresses and expands `reference` with `tiling`, using `scratch` for the .vtk file.
    public func measure(_ reference: URL, tiling: TilingOptions, scratch: URL) throws -> Result {
        let start = Date()
        let vtk = scratch.appendingPathComponent("seams-\(UUID().uuidString).vtk")
        defer { try? FileManager.default.removeItem(at: vtk) }
        let compressor = Compressor(model: model, identity: identity, tiling: tiling, encoding: encoding)
        let sink = try VTKFileSink(url: vtk, overwrite: false)
        let input = FrameLimit(try VideoReader(url: reference), limit: maxFrames)
        let summary = try compressor.compress(input, path: reference.path, into: sink)

        let source = try VTKFileSource(url: vtk)
        let layout = try TileLayout(header: source.header, path: vtk.path)
        let meter = SeamMeter(layout: layout, reference: try VideoReader(url: reference), band: band,
                              tubelet: model.config.tubelet[2])
        _ = try Expander(model: model, identity: identity).expand(source, path: vtk.path, into: meter)
        // The --tilings spelling, so that a table row can be fed back as an option value.
        let name = TilingSpec(tiling).text
        return Result(tiling: name, tilesPerGroup: summary.tilesPerGroup ?? 0, frames: summary.frames,
                      bytes: sink.fileBytes, borderError: meter.borderError,
                      borderSamples: meter.borderSamples, restError: meter.restError,
                      restSamples: meter.restSamples, tileSteps: meter.tileSteps,
                      tubeletSteps: meter.tubeletSteps, interiorSteps: meter.interiorSteps, seconds: Date().timeIntervalSince(start))
    }
}

/// A frame source that stops after `limit` frames (no limit when nil).
public final class FrameLimit: FrameSource {
    private let base: FrameSource
    private let limit: Int?
    private var count = 0

    public init(_ base: FrameSource, limit: Int?) {
        self.base = base
        self.limit = limit
    }

    public var sourceInfo: SourceInfo {
        var info = base.sourceInfo
        if let limit { info.frameCount = min(info.frameCount, limit) }
        return info
    }

    public func nextFrame() throws -> RGBFrame? {
        if let limit, count >= limit { return nil }
        count += 1
        return try base.nextFrame()
    }

    /// Audio is not kept when the video is cut short.
    public var audio: AudioTrack? { limit == nil ? base.audio : nil }
}
