import Foundation

/// Decoder: from_latent -> blocks -> LN -> to_pixels -> un-tubelet -> clamp.
struct Decoder: Sendable {
    let fromLatent: Linear
    let tower: Tower
    let toPixels: Linear
    let tubelets: Tubelets

    init(_ store: WeightStore, config c: ViTokConfig, precision: EnginePrecision,
         attention: AttentionPrecision) throws {
        fromLatent = try Linear(store, "decoder.from_latent", in: c.latentChannels,
                                out: c.decoderWidth)
        tower = try Tower(store, "decoder", config: c, width: c.decoderWidth,
                          depth: c.decoderDepth, heads: c.decoderHeads, hidden: c.decoderMlpHidden,
                          precision: precision, attention: attention)
        toPixels = try Linear(store, "decoder.to_pixels", in: c.decoderWidth, out: c.patchDim)
        tubelets = Tubelets(config: c)
    }

    /// Channel-last clips in [-1, 1] of `clips` latent grids (clips x L x c).
    func decode(_ latents: UnsafePointer<Float>, clips: Int,
                into out: UnsafeMutablePointer<Float>, ws: Workspace, threads: Int) {
        let (tokens, dim) = (tubelets.tokens, tubelets.patchDim)
        let rows = clips * tokens
        fromLatent.apply(latents, rows: rows, into: ws.x, threads: threads)
        tower.run(ws, clips: clips, threads: threads)
        let patches = UnsafeMutablePointer<Float>.allocate(capacity: rows * dim)
        defer { patches.deallocate() }
        toPixels.apply(ws.normed, rows: rows, into: patches, threads: threads)
        let clipValues = tubelets.clip.reduce(3, *)
        let (source, target, tubelets) = (SharedPointer(patches), SharedPointer(out), tubelets)
        parallelRanges(clips, threads: threads) { range in
            for clip in range {
                tubelets.unpatchify(source.base + clip * tokens * dim,
                                    into: target.base + clip * clipValues)
            }
        }
    }
}
