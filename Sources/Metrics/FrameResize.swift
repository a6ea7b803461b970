/// Bilinear resampling of packed RGB24 frames, used by `--resize-to-ref`.
public enum FrameResize {
    /// Resizes `pixels` (`width` x `height` RGB24) to `toWidth` x `toHeight` with bilinear
    /// interpolation on pixel centres (the `align_corners=False` convention, no antialiasing),
    /// rounding to the nearest 8-bit value.
    public static func bilinear(_ pixels: [UInt8], width: Int, height: Int,
                                toWidth: Int, toHeight: Int) -> [UInt8] {
        if width == toWidth && height == toHeight { return pixels }
        let xs = taps(from: width, to: toWidth), ys = taps(from: height, to: toHeight)
        var out = [UInt8](repeating: 0, count: toWidth * toHeight * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (oy, y) in ys.enumerated() {
                    let row0 = y.lo * width * 3, row1 = y.hi * width * 3
                    for (ox, x) in xs.enumerated() {
                        for c in 0..<3 {
                            let top = Float(src[row0 + x.lo * 3 + c]) * (1 - x.t) + Float(src[row0 + x.hi * 3 + c]) * x.t
                            let bottom = Float(src[row1 + x.lo * 3 + c]) * (1 - x.t) + Float(src[row1 + x.hi * 3 + c]) * x.t
                            let v = top * (1 - y.t) + bottom * y.t
                            dst[(oy * toWidth + ox) * 3 + c] = UInt8(min(255, max(0, v.rounded())))
                        }
                    }
                }
            }
        }
        return out
    }

    /// For each output coordinate: the two source indices and the weight of the second.
    private static func taps(from n: Int, to m: Int) -> [(lo: Int, hi: Int, t: Float)] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { i in
            let s = max(0, (Double(i) + 0.5) * scale - 0.5)
            let lo = min(Int(s), n - 1)
            return (lo, min(lo + 1, n - 1), Float(s - Double(lo)))
        }
    }
}
