/// Bilinear resampling of packed RGB24 frames: the one resampler of the metrics, used by
/// `--resize-to-ref` (rounded to 8 bits) and by I3D's 224x224 input (kept as floats).
public enum FrameResize {
    /// Resizes `pixels` (`width` x `height` RGB24) to `toWidth` x `toHeight` with bilinear
    /// interpolation on pixel centres (the `align_corners=False` convention, no antialiasing),
    /// rounding to the nearest 8-bit value.
    public static func bilinear(_ pixels: [UInt8], width: Int, height: Int,
                                toWidth: Int, toHeight: Int) -> [UInt8] {
        if width == toWidth && height == toHeight { return pixels }
        return bilinearValues(pixels, width: width, height: height, toWidth: toWidth, toHeight: toHeight)
            .map { UInt8(min(255, max(0, $0.rounded()))) }
    }

    /// The same resize with the values kept as floats in 0...255. Source coordinate of output
    /// pixel x: (x + 0.5) * width / toWidth - 0.5, clamped at 0; neighbours beyond the last
    /// pixel repeat it (PyTorch's align_corners=False rule).
    public static func bilinearValues(_ pixels: [UInt8], width: Int, height: Int,
                                      toWidth: Int, toHeight: Int) -> [Float] {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "bad RGB24 image size")
        let xs = taps(from: width, to: toWidth), ys = taps(from: height, to: toHeight)
        var out = [Float](repeating: 0, count: toWidth * toHeight * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (oy, ty) in ys.enumerated() {
                    for (ox, tx) in xs.enumerated() {
                        for c in 0..<3 {
                            let p00 = Float(src[(ty.lo * width + tx.lo) * 3 + c])
                            let p01 = Float(src[(ty.lo * width + tx.hi) * 3 + c])
                            let p10 = Float(src[(ty.hi * width + tx.lo) * 3 + c])
                            let p11 = Float(src[(ty.hi * width + tx.hi) * 3 + c])
                            let top = (1 - tx.frac) * p00 + tx.frac * p01
                            let bottom = (1 - tx.frac) * p10 + tx.frac * p11
                            dst[(oy * toWidth + ox) * 3 + c] = (1 - ty.frac) * top + ty.frac * bottom
                        }
                    }
                }
            }
        }
        return out
    }

    /// For each output index: the two source indices and the weight of the second.
    private static func taps(from n: Int, to m: Int) -> [(lo: Int, hi: Int, frac: Float)] {
        let scale = Float(n) / Float(m)
        return (0..<m).map { i in
            let src = max(0, (Float(i) + 0.5) * scale - 0.5)
            let lo = min(Int(src), n - 1)
            return (lo, min(lo + 1, n - 1), src - Float(lo))
        }
    }
}
