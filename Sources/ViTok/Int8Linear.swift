import Foundation

/// A Linear layer on the int8 path: the int8 weight rows with their scales (as shipped, or
/// quantized here from float weights), the sum of each row for the activations' zero point,
/// the bias, and the oneDNN product.
struct Int8Linear: Sendable {
    let matmul: Int8Matmul
    let weightScales: [Float]
    let columnSums: [Int32]
    let bias: FloatTensor?
    var inFeatures: Int { matmul.inFeatures }
    var outFeatures: Int { matmul.outFeatures }

    /// The int8 form of `layer` (`name` is its checkpoint prefix, for errors).
    init(_ layer: Linear, name: String) throws {
        let (n, k) = (layer.outFeatures, layer.inFeatures)
        let values: UnsafePointer<Int8>
        let owner: AnyObject
        switch layer.weight {
        case .int8(let rows):
            values = rows.values
            owner = rows.mapping
            weightScales = Array(UnsafeBufferPointer(start: rows.scales.pointer, count: n))
        case .float(let tensor):
            let quantized = QuantizedWeight(tensor.pointer, rows: n, columns: k)
            values = UnsafePointer(quantized.values)
            owner = quantized
            weightScales = quantized.scales
        case .expanded:
            preconditionFailure("Int8Linear is made from loaded weights, never expanded ones")
        }
        var sums = [Int32](repeating: 0, count: n)
        for row in 0..<n {
            var total: Int32 = 0
            for i in 0..<k { total &+= Int32(values[row * k + i]) }
            sums[row] = total
        }
        columnSums = sums
        matmul = try Int8Matmul(values: values, owner: owner, outFeatures: n, inFeatures: k,
                                name: name + ".weight")
        bias = layer.bias
    }

    /// out = x W^T (+ bias), or out += it with `accumulate`, for `rows` rows already quantized
    /// into `codes`/`scales`/`zeros` (`Int8Kernels.quantize`), through `scratch` (rows x
    /// outFeatures int32).
    func apply(codes: UnsafePointer<UInt8>, scales: UnsafePointer<Float>,
               zeros: UnsafePointer<Int32>, rows: Int, scratch: UnsafeMutablePointer<Int32>,
               into out: UnsafeMutablePointer<Float>, accumulate: Bool = false, addBias: Bool = true) {
        matmul.run(codes, rows: rows, into: scratch)
        weightScales.withUnsafeBufferPointer { weightScales in
            columnSums.withUnsafeBufferPointer { sums in
                Int8Kernels.dequantize(scratch, rows: rows, columns: outFeatures, scales: scales,
                                       zeros: zeros, weightScales: weightScales.baseAddress!,
                                       columnSums: sums.baseAddress!,
                                       bias: addBias ? bias?.pointer : nil, into: out,
                                       accumulate: accumulate)
            }
        }
    }
}

/// Float weights quantized per row the way the shipped int8 files are (scripts/benchmarks/
/// engine.py, write_int8_shards): scale = max |w| / 127 (at least 1e-12),
/// q = clamp(round(w / scale), -127, 127), ties to even.
final class QuantizedWeight: @unchecked Sendable {
    let values: UnsafeMutablePointer<Int8>
    let scales: [Float]
    private let count: Int

    init(_ weights: UnsafePointer<Float>, rows: Int, columns: Int) {
        count = rows * columns
        values = .allocate(capacity: max(count, 1))
        var scales = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let source = weights + row * columns
            var largest: Float = 0
            for i in 0..<columns { largest = max(largest, abs(source[i])) }
            let scale = max(largest / 127, 1e-12)
            scales[row] = scale
            for i in 0..<columns {
                let q = (source[i] / scale).rounded(.toNearestOrEven)
                values[row * columns + i] = Int8(min(max(q, -127), 127))
            }
        }
        self.scales = scales
    }

    deinit { values.deallocate() }
}
