import Foundation

/// The shared body of encoder and decoder: blocks, final LayerNorm and the RoPE tables.
struct Tower: Sendable {
    let blocks: [TransformerBlock]
    let norm: LayerNormWeights
    let rope: RopeTable
    let width, hidden, tokens: Int
    /// Floats needed to expand the largest block's int8 weights (0 for a float model).
    let expandedWeightValues: Int

    init(_ store: WeightStore, _ prefix: String, config: ViTokConfig, width: Int, depth: Int,
         heads: Int, hidden: Int) throws {
        self.width = width
        self.hidden = hidden
        tokens = config.tokens
        blocks = try (0..<depth).map {
            try TransformerBlock(store, "\(prefix).blocks.\($0)", width: width, heads: heads,
                                 hidden: hidden)
        }
        norm = try LayerNormWeights(store, prefix + ".norm", width: width)
        rope = RopeTable(config: config)
        expandedWeightValues = blocks.map(\.int8Values).max() ?? 0
    }

    /// What a workspace for `clips` clips on `threads` workers must hold.
    func workspaceShape(clips: Int, threads: Int) -> Workspace.Shape {
        Workspace.Shape(rows: clips * tokens, width: width, hidden: hidden, tokens: tokens,
                        workers: threads, weightValues: expandedWeightValues)
    }

    /// Runs all blocks on `ws.x` and leaves the final LayerNorm's output in `ws.normed`.
    func run(_ ws: Workspace, clips: Int, threads: Int) {
        for block in blocks {
            block.apply(ws, clips: clips, tokens: tokens, rope: rope, threads: threads)
        }
        norm.apply(ws.x, rows: clips * tokens, into: ws.normed, threads: threads)
    }
}

/// Encoder: patch_embed -> blocks -> LN -> to_latent (the mean half only).
struct Encoder: Sendable {
    let patchEmbed: Linear
    let tower: Tower
    let toLatent: Linear
    let tubelets: Tubelets
    let latentChannels: Int

    init(_ store: WeightStore, config c: ViTokConfig) throws {
        patchEmbed = try Linear(store, "encoder.patch_embed", in: c.patchDim, out: c.encoderWidth)
        tower = try Tower(store, "encoder", config: c, width: c.encoderWidth,
                          depth: c.encoderDepth, heads: c.encoderHeads, hidden: c.encoderMlpHidden)
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

/// Decoder: from_latent -> blocks -> LN -> to_pixels -> un-tubelet -> clamp.
struct Decoder: Sendable {
    let fromLatent: Linear
    let tower: Tower
    let toPixels: Linear
    let tubelets: Tubelets

    init(_ store: WeightStore, config c: ViTokConfig) throws {
        fromLatent = try Linear(store, "decoder.from_latent", in: c.latentChannels,
                                out: c.decoderWidth)
        tower = try Tower(store, "decoder", config: c, width: c.decoderWidth,
                          depth: c.decoderDepth, heads: c.decoderHeads, hidden: c.decoderMlpHidden)
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
