import Foundation

/// Scratch memory for one batch of clips going through a tower: activations of `rows` tokens,
/// one attention score tile per worker, room for one block's int8 weights expanded to
/// float32 (`weightValues` floats; none for a float model), and for the int8 path the
/// activations' codes (rows x hidden bytes) with one scale and zero point per row, and the
/// int32 products (rows x max(3 width, hidden)) before they are dequantized; for bf16
/// attention q, k and v rounded to bf16 (rows x 3 width) and per worker a tile of softmax
/// numerators in bf16 and of head outputs.
final class Workspace {
    let x, normed, qkv, attention, gate, up: UnsafeMutablePointer<Float>
    let scores, sums: UnsafeMutablePointer<Float>
    let expandedWeights: UnsafeMutablePointer<Float>
    let codes: UnsafeMutablePointer<UInt8>
    let rowScales: UnsafeMutablePointer<Float>
    let rowZeros: UnsafeMutablePointer<Int32>
    let products: UnsafeMutablePointer<Int32>
    let qkvBF16, probabilities: UnsafeMutablePointer<UInt16>
    let headOutputs: UnsafeMutablePointer<Float>
    /// Bytes per row of `codes`: the widest product input.
    var codeColumns: Int { max(shape.width, shape.hidden) }
    /// Int32 values per row of `products`.
    var productColumns: Int { max(3 * shape.width, shape.hidden) }
    let shape: Shape
    var workers: Int { shape.workers }

    /// The sizes a workspace is made for; equal shapes can share one.
    struct Shape: Equatable {
        var rows, width, hidden, tokens, workers, weightValues: Int
        /// Whether the int8 buffers are needed.
        var int8: Bool
        /// Whether the bf16 attention buffers are needed.
        var bf16: Bool
    }

    /// Query rows per attention tile: large enough for efficient sgemm, small enough that a
    /// tile of scores (256 x L floats) stays in the L2 cache for L = 1024.
    static let queryTile = 256

    init(_ shape: Shape) {
        self.shape = shape
        let (rows, width, hidden, tokens, workers) = (shape.rows, shape.width, shape.hidden,
                                                      shape.tokens, shape.workers)
        x = .allocate(capacity: rows * width)
        normed = .allocate(capacity: rows * width)
        qkv = .allocate(capacity: rows * 3 * width)
        attention = .allocate(capacity: rows * width)
        gate = .allocate(capacity: rows * hidden)
        up = .allocate(capacity: rows * hidden)
        scores = .allocate(capacity: workers * min(Self.queryTile, tokens) * tokens)
        sums = .allocate(capacity: workers * Self.queryTile)
        expandedWeights = .allocate(capacity: max(1, shape.weightValues))
        let quantizedRows = shape.int8 ? rows : 0
        codes = .allocate(capacity: max(1, quantizedRows * max(width, hidden)))
        rowScales = .allocate(capacity: max(1, quantizedRows))
        rowZeros = .allocate(capacity: max(1, quantizedRows))
        products = .allocate(capacity: max(1, quantizedRows * max(3 * width, hidden)))
        let tile = min(Self.queryTile, tokens)
        qkvBF16 = .allocate(capacity: shape.bf16 ? rows * 3 * width : 1)
        probabilities = .allocate(capacity: shape.bf16 ? workers * tile * tokens : 1)
        headOutputs = .allocate(capacity: shape.bf16 ? workers * tile * 64 : 1)
    }

    deinit {
        for buffer in [x, normed, qkv, attention, gate, up, scores, sums, expandedWeights,
                       headOutputs] {
            buffer.deallocate()
        }
        codes.deallocate()
        rowScales.deallocate()
        rowZeros.deallocate()
        products.deallocate()
        qkvBF16.deallocate()
        probabilities.deallocate()
    }
}
