import COpenBLAS
import Foundation

/// softmax(q k^T) v of a block, for every clip and head, in tiles of query rows spread over
/// the workers: float32 on OpenBLAS, or bf16 on oneDNN (`AttentionPrecision`). Every tile's
/// products run single-threaded with shapes that do not depend on the thread count.
extension TransformerBlock {
    /// Runs attention on `ws.qkv` (or, with `bf16`, on the heads `prepareAttention` wrote) into
    /// `ws.attention`.
    func attend(_ ws: Workspace, clips: Int, tokens: Int, bf16: BF16Attention?, threads: Int) {
        let tile = min(Workspace.queryTile, tokens)
        let tilesPerHead = (tokens + tile - 1) / tile
        let units = clips * heads * tilesPerHead
        let workers = max(1, min(threads, ws.workers, units))
        let (qkv, out) = (SharedPointer(ws.qkv), SharedPointer(ws.attention))
        let (scores, sums) = (SharedPointer(ws.scores), SharedPointer(ws.sums))
        let (halves, probabilities) = (SharedPointer(ws.qkvBF16), SharedPointer(ws.probabilities))
        let headOutputs = SharedPointer(ws.headOutputs)
        let (width, heads) = (width, heads)
        let stride = 3 * width
        let body: @Sendable (Int) -> Void = { worker in
            let s = scores.base + worker * tile * tokens
            let rowSums = sums.base + worker * Workspace.queryTile
            for unit in Swift.stride(from: worker, to: units, by: workers) {
                let clip = unit / (heads * tilesPerHead)
                let head = unit / tilesPerHead % heads
                let first = unit % tilesPerHead * tile
                let count = min(tile, tokens - first)
                let o = out.base + (clip * tokens + first) * width + head * 64
                if let bf16 {
                    // q, k and v of this head, each tokens x 64 (see prepareAttention).
                    let part = tokens * 64
                    let q = halves.base + (clip * 3 * heads + head) * part
                    let headOut = headOutputs.base + worker * tile * 64
                    bf16.scores(q + first * 64, q + heads * part, rows: count, into: s)
                    softmaxNumerators(s, rows: count, columns: tokens, sums: rowSums)
                    let p = probabilities.base + worker * tile * tokens
                    roundToBF16(s, count: count * tokens, into: p)
                    bf16.weightedValues(p, q + 2 * heads * part, rows: count, into: headOut)
                    normalize(headOut, stride: 64, rows: count, sums: rowSums, into: o, stride: width)
                } else {
                    let q = qkv.base + (clip * tokens + first) * stride + head * 64
                    let (k, v) = (qkv.base + clip * tokens * stride + width + head * 64,
                                  qkv.base + clip * tokens * stride + 2 * width + head * 64)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(tokens),
                                64, 1, q, Int32(stride), k, Int32(stride), 0, s, Int32(tokens))
                    softmaxNumerators(s, rows: count, columns: tokens, sums: rowSums)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), 64,
                                Int32(tokens), 1, s, Int32(tokens), v, Int32(stride), 0, o,
                                Int32(width))
                    normalize(o, stride: width, rows: count, sums: rowSums, into: o, stride: width)
                }
            }
        }
        if workers == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: body)
        }
    }

    /// Applies RoPE (and the 1/8 scale) to the q and k of qkv rows `rows`; with `halves`,
    /// also rounds their q, k and v to bf16 into it, laid out per clip as
    /// [q, k, v][head][token][64], so that each head's q, k and v are contiguous.
    func prepareAttention(_ qkv: UnsafeMutablePointer<Float>, rows: Range<Int>, tokens: Int,
                          rope: RopeTable, halves: UnsafeMutablePointer<UInt16>?) {
        rotateQueriesAndKeys(qkv, rows: rows, tokens: tokens, rope: rope)
        guard let halves else { return }
        let part = tokens * 64
        for row in rows {
            let (clip, token) = (row / tokens, row % tokens)
            let source = qkv + row * 3 * width
            for piece in 0..<3 {
                for head in 0..<heads {
                    let target = halves + ((clip * 3 + piece) * heads + head) * part + token * 64
                    roundToBF16(source + piece * width + head * 64, count: 64, into: target)
                }
            }
        }
    }
}

/// out[r][0..<64] = x[r][0..<64] / sums[r] for `rows` rows (x and out may be the same rows).
private func normalize(_ x: UnsafePointer<Float>, stride xStride: Int, rows: Int,
                       sums: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                       stride outStride: Int) {
    for r in 0..<rows {
        let inverse = 1 / sums[r]
        let (source, row) = (x + r * xStride, out + r * outStride)
        for j in 0..<64 { row[j] = source[j] * inverse }
    }
}

/// bf16 bit patterns of `count` floats, rounded to nearest, ties to even (the upper 16 bits
/// after adding 0x7FFF plus the lowest kept bit); finite inputs, as every engine value is.
/// A plain loop, which the compiler vectorizes.
func roundToBF16(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>) {
    for i in 0..<count {
        let bits = x[i].bitPattern
        out[i] = UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }
}
