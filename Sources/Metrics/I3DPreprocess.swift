import VideoIO

/// The rFVD protocol's input preparation: 16 RGB frames, each resized to 224x224 with bilinear
/// interpolation at half-pixel centres and no antialiasing (PyTorch
/// `F.interpolate(mode="bilinear", align_corners=False, antialias=False)`, as StyleGAN-V's I3D
/// torchscript resizes), then mapped to [-1, 1] by x / 127.5 - 1.
public enum I3DPreprocess {
    /// One clip for `I3D.logits`: 16 x 224 x 224 x 3 floats from 16 decoded frames (each frame
    /// is resized on its own, so sizes need not agree).
    public static func clip(frames: [RGBFrame]) -> [Float] {
        precondition(frames.count == I3D.frames, "an I3D clip has \(I3D.frames) frames, got \(frames.count)")
        return assemble(frames.map { resize($0.pixels, width: $0.width, height: $0.height,
                                            toWidth: I3D.size, toHeight: I3D.size) })
    }

    /// As `clip(frames:)` from 16 tightly packed RGB24 images of `width x height`.
    public static func clip(pixels frames: [[UInt8]], width: Int, height: Int) -> [Float] {
        precondition(frames.count == I3D.frames, "an I3D clip has \(I3D.frames) frames, got \(frames.count)")
        return assemble(frames.map { resize($0, width: width, height: height, toWidth: I3D.size, toHeight: I3D.size) })
    }

    /// Concatenates resized frames (values 0...255) and maps them to [-1, 1].
    private static func assemble(_ resized: [[Float]]) -> [Float] {
        var clip: [Float] = []
        clip.reserveCapacity(resized.count * I3D.size * I3D.size * 3)
        for frame in resized { clip.append(contentsOf: frame.lazy.map { $0 / 127.5 - 1 }) }
        return clip
    }

    /// Bilinear resize of an RGB24 image to `toWidth x toHeight`, values kept in 0...255.
    /// Source coordinate of output pixel x: (x + 0.5) * width / toWidth - 0.5, clamped at 0;
    /// neighbours beyond the last pixel repeat it (PyTorch's align_corners=False rule).
    public static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "bad RGB24 image size")
        let xs = taps(from: width, to: toWidth), ys = taps(from: height, to: toHeight)
        var out = [Float](repeating: 0, count: toWidth * toHeight * 3)
        for (oy, ty) in ys.enumerated() {
            for (ox, tx) in xs.enumerated() {
                for c in 0..<3 {
                    let p00 = Float(pixels[(ty.lo * width + tx.lo) * 3 + c])
                    let p01 = Float(pixels[(ty.lo * width + tx.hi) * 3 + c])
                    let p10 = Float(pixels[(ty.hi * width + tx.lo) * 3 + c])
                    let p11 = Float(pixels[(ty.hi * width + tx.hi) * 3 + c])
                    let top = (1 - tx.frac) * p00 + tx.frac * p01
                    let bottom = (1 - tx.frac) * p10 + tx.frac * p11
                    out[(oy * toWidth + ox) * 3 + c] = (1 - ty.frac) * top + ty.frac * bottom
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
