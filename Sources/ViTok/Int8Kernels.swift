import Foundation

/// The run-time side of the int8 scheme (docs/MODEL.md, "int8 engine"), 16 floats at a time.
///
/// A token row x of k values becomes 7-bit unsigned codes with a zero point:
///     lo = min(0, min x), hi = max(0, max x), scale = (hi - lo) / 127 (1 when hi == lo),
///     zero = round(-lo / scale), q = clamp(round(x * (1/scale)) + zero, 0, 127),
/// rounding to nearest, ties to even. 7 bits, not 8: u8 x s8 products on CPUs without VNNI add
/// pairs in saturating 16-bit lanes, where 127 * 127 * 2 still fits and 255 * 127 * 2 does not,
/// so every ISA computes the same exact int32 sums. A product row y = x W^T + b is then
///     y[n] = Float(acc[n] - zero * colsum[n]) * (scale * wscale[n]) + b[n]
/// with acc the int32 product of the codes, colsum[n] the sum of W's int8 row n and wscale[n]
/// its scale. training/int8_reference.py is the same scheme in NumPy.
enum Int8Kernels {
    /// 1.5 * 2^23: adding it to a float of magnitude below 2^22 rounds to an integer (ties to
    /// even), which then sits in the low mantissa bits.
    private static let shifter = Vec(repeating: 12_582_912)

    @inline(__always) private static func roundToInteger(_ v: Vec) -> Vec {
        (v + shifter) - shifter
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
                low = pointwiseMin(low, v)
                high = pointwiseMax(high, v)
            }
            let (lo, hi) = (low.min(), high.max())
            var scale = (hi - lo) / 127
            if !(scale > 0) || !scale.isFinite { scale = 1 }
            let inverse = 1 / scale
            let zero = min(max(roundToInteger(Vec(repeating: -lo * inverse))[0], 0), 127)
            let (zeroVector, top) = (Vec(repeating: zero), Vec(repeating: 127))
            for i in stride(from: 0, to: columns, by: 16) {
                let n = roundToInteger(load(p + i) * inverse) + zeroVector
                let clamped = pointwiseMin(pointwiseMax(n, .zero), top)
                let bits = unsafeBitCast(clamped + shifter, to: SIMD16<Int32>.self) &- 0x4B40_0000
                UnsafeMutableRawPointer(q + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: bits),
                                                          as: SIMD16<UInt8>.self)
            }
            scales[row] = scale
            zeros[row] = Int32(zero)
        }
    }

    /// out = dequantized products (+ bias), or out += them with `accumulate`, for `rows` rows
    /// of `columns` values (a multiple of 16). `acc` may be `out` itself (read before written).
    static func dequantize(_ acc: UnsafePointer<Int32>, rows: Int, columns: Int,
                           scales: UnsafePointer<Float>, zeros: UnsafePointer<Int32>,
                           weightScales: UnsafePointer<Float>, columnSums: UnsafePointer<Int32>,
                           bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                           accumulate: Bool) {
        precondition(columns % 16 == 0, "int8 rows must hold a multiple of 16 values")
        for row in 0..<rows {
            let a = acc + row * columns, o = out + row * columns
            let (scale, zero) = (Vec(repeating: scales[row]), SIMD16<Int32>(repeating: zeros[row]))
            for i in stride(from: 0, to: columns, by: 16) {
                let sums = UnsafeRawPointer(columnSums + i).loadUnaligned(as: SIMD16<Int32>.self)
                let exact = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Int32>.self) &- zero &* sums
                var y = Vec(exact) * (scale * load(weightScales + i))
                if let bias { y = y + load(bias + i) }
                store(accumulate ? load(o + i) + y : y, o + i)
            }
        }
    }
}
