import Foundation

/// The shared body of encoder and decoder: blocks, final LayerNorm and the RoPE tables.
struct Tower: Sendable {
    let blocks: [TransformerBlock]
    let norm: LayerNormWeights
    let rope: RopeTable
    let width, hidden, tokens: Int
    /// Floats needed to expand the largest block's int8 weights (0 for a float model).
    let expandedWeightValues: Int
    /// The bf16 products of attention; nil when attention runs in float32.
    let bf16: BF16Attention?

    init(_ store: WeightStore, _ prefix: String, config: ViTokConfig, width: Int, depth: Int,
         heads: Int, hidden: Int, precision: EnginePrecision, attention: AttentionPrecision) throws {
        self.width = width
        self.hidden = hidden
        tokens = config.tokens
        blocks = try (0..<depth).map {
            try TransformerBlock(store, "\(prefix).blocks.\($0)", width: width, heads: heads,
                                 hidden: hidden, precision: precision)
        }
        norm = try LayerNormWeights(store, prefix + ".norm", width: width)
        rope = RopeTable(config: config)
        expandedWeightValues = blocks.map(\.int8Values).max() ?? 0
        bf16 = attention == .bf16
            ? try BF16Attention(tokens: tokens, tile: min(Workspace.queryTile, tokens)) : nil
    }

    /// What a workspace for `clips` clips on `threads` workers must hold (int8 buffers when
    /// the blocks' kernel, chosen at load, is int8).
    func workspaceShape(clips: Int, threads: Int) -> Workspace.Shape {
        Workspace.Shape(rows: clips * tokens, width: width, hidden: hidden, tokens: tokens,
                        workers: threads, weightValues: expandedWeightValues,
                        int8: blocks.contains { $0.int8 != nil }, bf16: bf16 != nil)
    }

    /// Runs all blocks on `ws.x` and leaves the final LayerNorm's output in `ws.normed`.
    func run(_ ws: Workspace, clips: Int, threads: Int) {
        for block in blocks {
            block.apply(ws, clips: clips, tokens: tokens, rope: rope, bf16: bf16, threads: threads)
        }
        norm.apply(ws.x, rows: clips * tokens, into: ws.normed, threads: threads)
    }
}
