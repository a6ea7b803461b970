import Foundation
import VideoIO

/// Encodes one group of frames into the latents of all its tiles, and decodes them back.
///
/// A group is `geometry.frames` frames of the layout's size. Its latents are the tiles'
/// latent blocks one after the other, in tile order (`TileLayout`). Tiles go to the model in
/// batches of at most `maxBatch` clips; each clip is coded on its own, so the batch size does
/// not change the result.
public struct GroupCoder {
    public let model: LatentModel
    public let layout: TileLayout
    public let geometry: ClipGeometry
    /// Largest number of clips handed to the model at once.
    public var maxBatch: Int

    /// A coder for `model` and `layout`; the layout's tile size must be the model's clip size.
    public init(model: LatentModel, layout: TileLayout, maxBatch: Int = 16) {
        let geometry = ClipGeometry(model.config)
        precondition(layout.tileWidth == geometry.tileWidth && layout.tileHeight == geometry.tileHeight)
        self.model = model
        self.layout = layout
        self.geometry = geometry
        self.maxBatch = max(1, maxBatch)
    }

    /// Floats of latents per group.
    public var latentValuesPerGroup: Int { layout.count * geometry.latentValues }

    /// The latents of every tile of `frames` (exactly `geometry.frames` frames).
    public func encode(_ frames: [RGBFrame]) -> [Float] {
        precondition(frames.count == geometry.frames)
        var latents: [Float] = []
        latents.reserveCapacity(latentValuesPerGroup)
        var start = 0
        while start < layout.count {
            let end = min(start + maxBatch, layout.count)
            var clips = [Float]()
            clips.reserveCapacity((end - start) * geometry.clipValues)
            for tile in start..<end { appendClip(tile: tile, frames: frames, to: &clips) }
            latents += model.encode(clips, count: end - start)
            start = end
        }
        return latents
    }

    /// The frames of a group from the latents of all its tiles. Tiles are decoded in order
    /// and blended into a band of one tile row's height; the rows no later tile touches are
    /// finished into the 8-bit frames as soon as the band moves on, so float memory is one
    /// band, not a whole group (`GroupMemory`). Throws `CodecError.nonFiniteOutput` when the
    /// decoder gives NaN (`path` and `group` name it).
    public func decode(_ latents: [Float], path: String = "", group: Int = 0) throws -> [RGBFrame] {
        precondition(latents.count == latentValuesPerGroup)
        var band = BlendBand(layout: layout, frames: geometry.frames)
        var start = 0
        while start < layout.count {
            let end = min(start + maxBatch, layout.count)
            let block = Array(latents[(start * geometry.latentValues)..<(end * geometry.latentValues)])
            let clips = model.decode(block, count: end - start)
            for tile in start..<end {
                band.moveTo(row: tile / layout.columns)
                accumulate(clips, clip: tile - start, tile: tile, into: &band)
            }
            start = end
        }
        band.finish()
        guard !band.sawNaN else { throw CodecError.nonFiniteOutput(path: path, group: group) }
        return band.frames()
    }

    /// Appends tile `tile` of `frames` as a clip in [-1, 1] (`x / 127.5 - 1`, as in training).
    func appendClip(tile: Int, frames: [RGBFrame], to clips: inout [Float]) {
        let (tw, th) = (layout.tileWidth, layout.tileHeight)
        let xs = layout.sourceIndices(origin: layout.xOrigins[tile % layout.columns], tile: tw,
                                      size: layout.width)
        let ys = layout.sourceIndices(origin: layout.yOrigins[tile / layout.columns], tile: th,
                                      size: layout.height)
        for frame in frames {
            frame.pixels.withUnsafeBufferPointer { px in
                for y in ys {
                    let row = y * layout.width
                    for x in xs {
                        let p = (row + x) * 3
                        clips.append(Float(px[p]) / 127.5 - 1)
                        clips.append(Float(px[p + 1]) / 127.5 - 1)
                        clips.append(Float(px[p + 2]) / 127.5 - 1)
                    }
                }
            }
        }
    }

    /// Adds clip `clip` of `clips`, weighted, to the band at tile `tile` (whose row the band
    /// holds).
    func accumulate(_ clips: [Float], clip: Int, tile: Int, into band: inout BlendBand) {
        let (tw, th, w, h) = (layout.tileWidth, layout.tileHeight, layout.width, layout.height)
        let column = tile % layout.columns, row = tile / layout.columns
        let x0 = layout.xOrigins[column], y0 = layout.yOrigins[row]
        let wx = layout.xWeights[column], wy = layout.yWeights[row]
        let xCount = min(tw, w - x0), yCount = min(th, h - y0)
        let base = clip * geometry.clipValues
        let top = band.top
        clips.withUnsafeBufferPointer { src in
            band.sum.withUnsafeMutableBufferPointer { dst in
                for t in 0..<geometry.frames {
                    for dy in 0..<yCount {
                        let s = base + ((t * th + dy) * tw) * 3
                        let d = ((t * th + y0 - top + dy) * w + x0) * 3
                        let rowWeight = wy[dy]
                        for dx in 0..<xCount {
                            let weight = rowWeight * wx[dx]
                            for c in 0..<3 { dst[d + dx * 3 + c] += weight * src[s + dx * 3 + c] }
                        }
                    }
                }
            }
        }
    }

    /// Total blend weight at each coordinate of an axis.
    static func totals(origins: [Int], weights: [[Float]], size: Int) -> [Float] {
        var total = [Float](repeating: 0, count: size)
        for (k, o) in origins.enumerated() {
            for d in 0..<min(weights[k].count, size - o) { total[o + d] += weights[k][d] }
        }
        return total
    }
}
