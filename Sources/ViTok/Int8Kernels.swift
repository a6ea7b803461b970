import Foundation

/// The run-time side of the int8 scheme (docs/MODEL.md, "int8 engine"): per-token quantization
/// and the dequantize + bias pass, as loops the compiler vectorizes.
///
/// A token row x of k values becomes 7-bit unsigned codes with a zero point:
///     lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 127 (1 when hi == lo),
///     zero = round(-lo * (1/scale)), q = clamp(round(x * (1/scale)) + zero, 0, 127),
/// rounding to nearest, ties to even. 7 bits, not 8: u8 x s8 products on CPUs without VNNI add
/// pairs in saturating 16-bit lanes, where 127 * 127 * 2 still fits and 255 * 127 * 2 does not,
/// so every ISA computes the same exact int32 sums. A product row y = x W^T + b is then
///     y[n] = Float(acc[n] - zero * colsum[n]) * (scale * wscale[n]) + b[n]
/// with acc the int32 product of the codes, colsum[n] the sum of W's int8 row n and wscale[n]
/// its scale. training/vitok/int8.py is the same scheme in PyTorch.
enum Int8Kernels {
    /// v clamped to [0, 127]; NaN gives 0.
    @inline(__always) private static func clampCode(_ v: Float) -> Float {
        v > 0 ? (v < 127 ? v : 127) : 0
    }

    /// Quantizes `rows` rows of `columns` floats (a multiple of 16) into codes, one scale and
    /// one zero point per row.
    static func quantize(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                         into codes: UnsafeMutablePointer<UInt8>, scales: UnsafeMutablePointer<Float>,
                         zeros: UnsafeMutablePointer<Int32>) {
        precondition(columns % 16 == 0, "int8 rows must hold a multiple of 16 values")
        for row in 0..<rows {
            let p = x + row * columns, q = codes + row * columns
            var (low, high) = (Vec.zero, Vec.zero)
            for i in stride(from: 0, to: columns, by: 16) {
                let v = load(p + i)
                // Masked blends, not pointwiseMin/Max (those go element by element).
                low.replace(with: v, where: v .< low)
                high.replace(with: v, where: v .> high)
            }
            let (lo, hi) = (low.min(), high.max())
            var scale = (hi - lo) / 127
            if !(scale > 0) || !scale.isFinite { scale = 1 }
            let inverse = 1 / scale
            let zero = clampCode((-lo * inverse).rounded(.toNearestOrEven))
            // A plain loop: the compiler vectorizes it (round, clamp, convert, pack), where
            // SIMD16<UInt8>(truncatingIfNeeded:) would go element by element.
            for i in 0..<columns {
                q[i] = UInt8(clampCode((p[i] * inverse).rounded(.toNearestOrEven) + zero))
            }
            scales[row] = scale
            zeros[row] = Int32(zero)
        }
    }

    /// out = dequantized products (+ bias), or out += them with `accumulate`, for `rows` rows
    /// of `columns` values (a multiple of 16).
    static func dequantize(_ acc: UnsafePointer<Int32>, rows: Int, columns: Int,
                           scales: UnsafePointer<Float>, zeros: UnsafePointer<Int32>,
                           weightScales: UnsafePointer<Float>, columnSums: UnsafePointer<Int32>,
                           bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                           accumulate: Bool) {
        precondition(columns % 16 == 0, "int8 rows must hold a multiple of 16 values")
        // Plain loops, one per case: the compiler vectorizes them, where SIMD16<Float>(Int32s)
        // would convert element by element.
        for row in 0..<rows {
            let a = acc + row * columns, o = out + row * columns
            let (scale, zero) = (scales[row], zeros[row])
            switch (bias, accumulate) {
            case (let bias?, true):
                for i in 0..<columns {
                    o[i] = o[i] + (Float(a[i] &- zero &* columnSums[i]) * (scale * weightScales[i]) + bias[i])
                }
            case (let bias?, false):
                for i in 0..<columns {
                    o[i] = Float(a[i] &- zero &* columnSums[i]) * (scale * weightScales[i]) + bias[i]
                }
            case (nil, true):
                for i in 0..<columns {
                    o[i] = o[i] + Float(a[i] &- zero &* columnSums[i]) * (scale * weightScales[i])
                }
            case (nil, false):
                for i in 0..<columns {
                    o[i] = Float(a[i] &- zero &* columnSums[i]) * (scale * weightScales[i])
                }
            }
        }
    }
}
