// The Linear products of a transformer block, one kernel chosen at load: float32 on OpenBLAS,
// or int8 on oneDNN (`Int8Block`). `TransformerBlock.apply` is the one forward; it asks
// `products(_:rows:)` for each piece of rows and calls the layers through it.
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

/// A block's Linear layers.
enum BlockLayer: Sendable {
    case qkv, proj, fc1, fc2, fc3

    /// This layer's one of the five, given in block order.
    func pick<Layer>(_ qkv: Layer, _ proj: Layer, _ fc1: Layer, _ fc2: Layer, _ fc3: Layer) -> Layer {
        switch self {
        case .qkv: qkv
        case .proj: proj
        case .fc1: fc1
        case .fc2: fc2
        case .fc3: fc3
        }
    }
}

/// The int8 path's per-row buffers in a workspace, shared by the row pieces of one pass.
struct ProductScratch: @unchecked Sendable {
    let codes: UnsafeMutablePointer<UInt8>
    let scales: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Int32>
    let products: UnsafeMutablePointer<Int32>
    let codeColumns: Int
    let productColumns: Int

    init(_ ws: Workspace) {
        (codes, scales, zeros, products) = (ws.codes, ws.rowScales, ws.rowZeros, ws.products)
        (codeColumns, productColumns) = (ws.codeColumns, ws.productColumns)
    }
}

/// The Linear products of one piece of rows, as the block's kernel computes them: float32
/// (OpenBLAS, the weights expanded) or int8 (each input quantized per token into the
/// scratch codes, its int32 result dequantized into the output; docs/MODEL.md, "int8 engine").
struct RowProducts {
    let block: TransformerBlock
    let piece: QuantizedPiece?
    let rows: Int

    /// out = input W^T (+ b unless `addBias` is false); with `accumulate`, out += that.
    /// `sameInput`: the input is the previous product's, already quantized (int8).
    func callAsFunction(_ layer: BlockLayer, _ input: UnsafeMutablePointer<Float>,
                        into out: UnsafeMutablePointer<Float>, accumulate: Bool = false,
                        addBias: Bool = true, sameInput: Bool = false) {
        if let piece, let layers = block.int8 {
            piece.product(layers[layer], input, into: out, accumulate: accumulate, addBias: addBias,
                          quantize: !sameInput)
            return
        }
        let linear = block[layer]
        if addBias {
            linear.apply(input, rows: rows, into: out, accumulate: accumulate)
        } else {
            precondition(!accumulate, "a product without its bias is never accumulated")
            linear.weightProduct(input, rows: rows, into: out)
        }
    }
}

extension TransformerBlock {
    /// The products of rows `rows` with this block's kernel.
    func products(_ scratch: ProductScratch, rows range: Range<Int>) -> RowProducts {
        let first = range.lowerBound
        let piece = int8 == nil ? nil
            : QuantizedPiece(codes: scratch.codes + first * scratch.codeColumns, scales: scratch.scales + first,
                             zeros: scratch.zeros + first, rows: range.count,
                             products: scratch.products + first * scratch.productColumns)
        return RowProducts(block: self, piece: piece, rows: range.count)
    }

    /// The float32 layer `layer`.
    subscript(layer: BlockLayer) -> Linear { layer.pick(qkv, proj, fc1, fc2, fc3) }
}

extension Int8Block {
    /// The int8 layer `layer`.
    subscript(layer: BlockLayer) -> Int8Linear { layer.pick(qkv, proj, fc1, fc2, fc3) }
}

/// One piece of rows on the int8 path: its codes (rows x in), one scale and zero per row,
/// and room for its int32 products (rows x out).
struct QuantizedPiece {
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
