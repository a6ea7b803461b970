import Foundation

/// The Linear layers of one transformer block on the int8 path (docs/MODEL.md, "int8 engine").
struct Int8Block: Sendable {
    let qkv, proj, fc1, fc2, fc3: Int8Linear

    init(qkv: Linear, proj: Linear, fc1: Linear, fc2: Linear, fc3: Linear, prefix: String) throws {
        self.qkv = try Int8Linear(qkv, name: prefix + ".attn.qkv")
        self.proj = try Int8Linear(proj, name: prefix + ".attn.proj")
        self.fc1 = try Int8Linear(fc1, name: prefix + ".mlp.fc1")
        self.fc2 = try Int8Linear(fc2, name: prefix + ".mlp.fc2")
        self.fc3 = try Int8Linear(fc3, name: prefix + ".mlp.fc3")
    }
}

extension TransformerBlock {
    /// `apply` with int8 products: the same two row-parallel passes around attention,
    /// in the same fixed pieces of `rowChunk` rows. Each product's input is quantized per token
    /// into `ws.codes`, its int32 result lands in `ws.products`, and one pass dequantizes it
    /// into its float buffer (separate memory, so that the compiler vectorizes that pass).
    func applyInt8(_ layers: Int8Block, _ ws: Workspace, clips: Int, tokens: Int, rope: RopeTable,
                   bf16: BF16Attention?, threads: Int) {
        let rows = clips * tokens
        let (x, normed, qkvBuffer) = (SharedPointer(ws.x), SharedPointer(ws.normed),
                                      SharedPointer(ws.qkv))
        let (attention, gate, up) = (SharedPointer(ws.attention), SharedPointer(ws.gate),
                                     SharedPointer(ws.up))
        let (codes, scales, zeros) = (SharedPointer(ws.codes), SharedPointer(ws.rowScales),
                                      SharedPointer(ws.rowZeros))
        let (products, productColumns) = (SharedPointer(ws.products), ws.productColumns)
        let codeColumns = ws.codeColumns
        let halves = bf16 == nil ? nil : SharedPointer(ws.qkvBF16)
        let (width, hidden, block) = (width, hidden, self)
        parallelRows(rows, threads: threads) { range in
            let (first, count) = (range.lowerBound, range.count)
            let piece = QuantizedPiece(codes: codes.base + first * codeColumns, scales: scales.base + first,
                                       zeros: zeros.base + first, rows: count,
                                       products: products.base + first * productColumns)
            let normedRows = normed.base + first * width
            let qkvRows = qkvBuffer.base + first * 3 * width
            block.norm1.apply(x.base + first * width, rows: count, into: normedRows)
            piece.product(layers.qkv, normedRows, into: qkvRows)
            block.prepareAttention(qkvBuffer.base, rows: range, tokens: tokens, rope: rope,
                                   halves: halves?.base)
        }
        attend(ws, clips: clips, tokens: tokens, bf16: bf16, threads: threads)
        parallelRows(rows, threads: threads) { range in
            let (first, count) = (range.lowerBound, range.count)
            let piece = QuantizedPiece(codes: codes.base + first * codeColumns, scales: scales.base + first,
                                       zeros: zeros.base + first, rows: count,
                                       products: products.base + first * productColumns)
            let (xRows, normedRows) = (x.base + first * width, normed.base + first * width)
            let (gateRows, upRows) = (gate.base + first * hidden, up.base + first * hidden)
            piece.product(layers.proj, attention.base + first * width, into: xRows, accumulate: true)
            block.norm2.apply(xRows, rows: count, into: normedRows)
            piece.product(layers.fc1, normedRows, into: gateRows, addBias: false)
            // fc2 has fc1's input, quantized once.
            piece.product(layers.fc2, normedRows, into: upRows, addBias: false, quantize: false)
            swiGLUGate(gateRows, upRows, rows: count, columns: hidden,
                       biasA: layers.fc1.bias!.pointer, biasG: layers.fc2.bias!.pointer)
            piece.product(layers.fc3, gateRows, into: xRows, accumulate: true)
        }
    }
}

/// One piece of rows on the int8 path: its codes (rows x in), one scale and zero per row,
/// and room for its int32 products (rows x out).
private struct QuantizedPiece {
    let codes: UnsafeMutablePointer<UInt8>
    let scales: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Int32>
    let rows: Int
    let products: UnsafeMutablePointer<Int32>

    /// Quantizes `input` (unless it is already, `quantize: false`), multiplies, and
    /// dequantizes into `out`.
    func product(_ layer: Int8Linear, _ input: UnsafeMutablePointer<Float>,
                 into out: UnsafeMutablePointer<Float>, accumulate: Bool = false,
                 addBias: Bool = true, quantize: Bool = true) {
        if quantize {
            Int8Kernels.quantize(input, rows: rows, columns: layer.inFeatures, into: codes,
                                 scales: scales, zeros: zeros)
        }
        layer.apply(codes: codes, scales: scales, zeros: zeros, rows: rows, scratch: products,
                    into: out, accumulate: accumulate, addBias: addBias)
    }
}
