import COpenBLAS
import Foundation

/// One pre-norm transformer block: x += Attn(LN1 x); x += SwiGLU(LN2 x).
struct TransformerBlock: Sendable {
    let norm1, norm2: LayerNormWeights
    private(set) var qkv, proj, fc1, fc2, fc3: Linear
    let width, heads, hidden: Int
    /// The int8 forms of qkv, proj, fc1, fc2 and fc3 when the block runs at int8 precision.
    let int8: Int8Block?

    init(_ store: WeightStore, _ prefix: String, width: Int, heads: Int, hidden: Int,
         precision: EnginePrecision) throws {
        self.width = width
        self.heads = heads
        self.hidden = hidden
        norm1 = try LayerNormWeights(store, prefix + ".norm1", width: width)
        qkv = try Linear(store, prefix + ".attn.qkv", in: width, out: 3 * width, bias: false,
                         keepInt8: true)
        proj = try Linear(store, prefix + ".attn.proj", in: width, out: width, keepInt8: true)
        norm2 = try LayerNormWeights(store, prefix + ".norm2", width: width)
        fc1 = try Linear(store, prefix + ".mlp.fc1", in: width, out: hidden, keepInt8: true)
        fc2 = try Linear(store, prefix + ".mlp.fc2", in: width, out: hidden, keepInt8: true)
        fc3 = try Linear(store, prefix + ".mlp.fc3", in: hidden, out: width, keepInt8: true)
        int8 = precision == .int8
            ? try Int8Block(qkv: qkv, proj: proj, fc1: fc1, fc2: fc2, fc3: fc3, prefix: prefix)
            : nil
    }

    /// Floats of this block's weights that are stored as int8 and expanded to float32 before
    /// the block runs (0 for a float block and for the int8 path, which uses them as they are).
    var int8Values: Int {
        guard int8 == nil else { return 0 }
        return [qkv, proj, fc1, fc2, fc3].reduce(0) { $0 + ($1.weight.int8Rows?.count ?? 0) }
    }

    /// This block with its int8 weights expanded to float32 into `ws.expandedWeights` (all
    /// rows split over `threads` workers); `self` when every weight is float already.
    func expanded(_ ws: Workspace, threads: Int) -> TransformerBlock {
        var copy = self
        var parts: [(Int8Rows, UnsafeMutablePointer<Float>)] = []
        var next = ws.expandedWeights
        func expand(_ layer: inout Linear) {
            guard let matrix = layer.weight.int8Rows else { return }
            parts.append((matrix, next))
            layer = layer.expanded(into: next)
            next += matrix.count
        }
        expand(&copy.qkv)
        expand(&copy.proj)
        expand(&copy.fc1)
        expand(&copy.fc2)
        expand(&copy.fc3)
        if parts.isEmpty { return self }
        Int8Rows.expand(parts, threads: threads)
        return copy
    }

    /// Runs the block in place on `ws.x` (clips x tokens rows), with the block's Linear
    /// kernel (`products`: float32 on OpenBLAS, or int8 on oneDNN, chosen at load). Everything
    /// but attention is row-local, so it runs as two parallel passes over row ranges, one per
    /// worker, with single-threaded products inside each.
    func apply(_ ws: Workspace, clips: Int, tokens: Int, rope: RopeTable, bf16: BF16Attention?,
               threads: Int) {
        let rows = clips * tokens
        let block = int8 == nil ? expanded(ws, threads: threads) : self
        let (x, normed, qkvBuffer) = (SharedPointer(ws.x), SharedPointer(ws.normed),
                                      SharedPointer(ws.qkv))
        let (attention, gate, up) = (SharedPointer(ws.attention), SharedPointer(ws.gate),
                                     SharedPointer(ws.up))
        let halves = bf16 == nil ? nil : SharedPointer(ws.qkvBF16)
        let scratch = ProductScratch(ws)
        let (width, hidden) = (width, hidden)
        parallelRows(rows, threads: threads) { range in
            let (first, count) = (range.lowerBound, range.count)
            let product = block.products(scratch, rows: range)
            block.norm1.apply(x.base + first * width, rows: count, into: normed.base + first * width)
            product(.qkv, normed.base + first * width, into: qkvBuffer.base + first * 3 * width)
            block.prepareAttention(qkvBuffer.base, rows: range, tokens: tokens, rope: rope,
                                   halves: halves?.base)
        }
        attend(ws, clips: clips, tokens: tokens, bf16: bf16, threads: threads)
        parallelRows(rows, threads: threads) { range in
            let (first, count) = (range.lowerBound, range.count)
            let product = block.products(scratch, rows: range)
            let (xRows, normedRows) = (x.base + first * width, normed.base + first * width)
            let (gateRows, upRows) = (gate.base + first * hidden, up.base + first * hidden)
            product(.proj, attention.base + first * width, into: xRows, accumulate: true)
            block.norm2.apply(xRows, rows: count, into: normedRows)
            product(.fc1, normedRows, into: gateRows, addBias: false)
            // fc2 has fc1's input (on the int8 path quantized once, for both).
            product(.fc2, normedRows, into: upRows, addBias: false, sameInput: true)
            swiGLUGate(gateRows, upRows, rows: count, columns: hidden,
                       biasA: block.fc1.bias!.pointer, biasG: block.fc2.bias!.pointer)
            product(.fc3, gateRows, into: xRows, accumulate: true)
        }
    }

    /// Applies RoPE to the q and k parts of qkv rows `rows`, and folds the 1/sqrt(64) = 1/8
    /// attention scale into q (a power of two, so exact).
    func rotateQueriesAndKeys(_ qkv: UnsafeMutablePointer<Float>, rows: Range<Int>,
                                      tokens: Int, rope: RopeTable) {
        rope.cos.withUnsafeBufferPointer { cosTable in
            rope.sin.withUnsafeBufferPointer { sinTable in
                for row in rows {
                    let token = row % tokens
                    let c = cosTable.baseAddress! + token * 32, s = sinTable.baseAddress! + token * 32
                    let base = qkv + row * 3 * width
                    for part in 0..<2 {
                        let scale: Float = part == 0 ? 0.125 : 1
                        for head in 0..<heads {
                            let p = base + part * width + head * 64
                            for j in 0..<32 {
                                let x0 = p[2 * j], x1 = p[2 * j + 1]
                                p[2 * j] = (x0 * c[j] - x1 * s[j]) * scale
                                p[2 * j + 1] = (x0 * s[j] + x1 * c[j]) * scale
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Linear {
    /// out = x W^T without the bias (the caller fuses the bias into a later pass).
    func weightProduct(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        sgemmLinear(x, lda: inFeatures, weight: weight.pointer, m: rows, n: outFeatures,
                    k: inFeatures, into: out, ldc: outFeatures, beta: 0)
    }
}
