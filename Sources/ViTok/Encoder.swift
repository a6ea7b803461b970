import Foundation

/// Encoder: patch_embed -> blocks -> LN -> to_latent (the mean half only).
struct Encoder: Sendable {
    let patchEmbed: Linear
    let tower: Tower
    let toLatent: Linear
    let tubelets: Tubelets
    let latentChannels: Int

    init(_ store: WeightStore, config c: ViTokConfig, precision: EnginePrecision,
         attention: AttentionPrecision) throws {
        patchEmbed = try Linear(store, "encoder.patch_embed", in: c.patchDim, out: c.encoderWidth)
        tower = try Tower(store, "encoder", config: c, width: c.encoderWidth,
                          depth: c.encoderDepth, heads: c.encoderHeads, hidden: c.encoderMlpHidden,
                          precision: precision, attention: attention)
        toLatent = try Linear(store, "encoder.to_latent", in: c.encoderWidth,
                              out: 2 * c.latentChannels)
        tubelets = Tubelets(config: c)
        latentChannels = c.latentChannels
    }

    /// Latent means (clips x L x c) of `clips` channel-last clips.
    func encode(_ pixels: UnsafePointer<Float>, clips: Int, into out: UnsafeMutablePointer<Float>,
                ws: Workspace, threads: Int) {
        let (tokens, dim) = (tubelets.tokens, tubelets.patchDim)
        let patches = UnsafeMutablePointer<Float>.allocate(capacity: clips * tokens * dim)
        defer { patches.deallocate() }
        let clipValues = tubelets.clip.reduce(3, *)
        let (source, target, tubelets) = (SharedPointer(pixels), SharedPointer(patches), tubelets)
        parallelRanges(clips, threads: threads) { range in
            for clip in range {
                tubelets.patchify(source.base + clip * clipValues,
                                  into: target.base + clip * tokens * dim)
            }
        }
        let rows = clips * tokens
        patchEmbed.apply(patches, rows: rows, into: ws.x, threads: threads)
        tower.run(ws, clips: clips, threads: threads)
        // Only the first c outputs (the mean) are needed: the first c rows of the weight.
        let c = latentChannels
        sgemmLinear(ws.normed, lda: tower.width, weight: toLatent.weight.pointer, m: rows, n: c,
                    k: tower.width, into: out, ldc: c, beta: 0)
        addBias(out, rows: rows, columns: c, bias: toLatent.bias!.pointer)
    }
}
