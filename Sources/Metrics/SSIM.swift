import Foundation

/// Structural similarity (Wang et al. 2004) of 8-bit RGB frames, computed exactly as
/// scikit-image's `structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False, data_range=255, channel_axis=-1)`.
///
/// Per channel: Gaussian-weighted local means, variances and covariance (sigma 1.5, 11 taps:
/// radius `int(3.5 * 1.5 + 0.5) = 5`), the SSIM map with `C1 = (0.01 * 255)^2` and
/// `C2 = (0.03 * 255)^2`, averaged over the pixels at least 5 from every border (scikit-image
/// crops those, so its reflect padding never enters the result). The frame's SSIM is the
/// mean of the three channel values. Frames must be at least 11 x 11.
public enum SSIM {
    /// Standard deviation of the Gaussian window, in pixels.
    public static let sigma = 1.5
    /// Window radius: scikit-image's `int(truncate * sigma + 0.5)` with truncate 3.5.
    public static let radius = 5
    /// Window width in taps (11).
    public static var windowSize: Int { 2 * radius + 1 }

    static let c1 = (0.01 * 255) * (0.01 * 255)
    static let c2 = (0.03 * 255) * (0.03 * 255)
    /// Samples are centred on 128 before filtering so that sums of squares stay small;
    /// variances and covariances do not change, and the means are shifted back.
    static let centre: Double = 128

    /// The normalised 1-D Gaussian window, as scipy.ndimage builds it.
    static let window: [Double] = {
        let taps = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }()

    /// SSIM of two frames of `width` x `height` packed RGB24 samples, in [-1, 1] (1 when
    /// identical). `threads` spreads the rows over that many threads; the result does not
    /// depend on it.
    public static func compute(width: Int, height: Int, reference: [UInt8], distorted: [UInt8],
                               threads: Int = 1) throws -> Double {
        let size = windowSize
        guard width >= size, height >= size else {
            throw SSIMError.frameTooSmall(width: width, height: height, minimum: size)
        }
        precondition(reference.count == width * height * 3 && distorted.count == reference.count,
                     "SSIM buffers must hold width * height * 3 samples")
        let outRows = height - size + 1
        var rowSums = [Double](repeating: 0, count: 3 * outRows)
        let planes = (deinterleave(reference, pixels: width * height),
                      deinterleave(distorted, pixels: width * height))
        planes.0.withUnsafeBufferPointer { x in
            planes.1.withUnsafeBufferPointer { y in
                rowSums.withUnsafeMutableBufferPointer { sums in
                    let input = (SharedBuffer(base: UnsafeMutablePointer(mutating: x.baseAddress!), count: x.count),
                                 SharedBuffer(base: UnsafeMutablePointer(mutating: y.baseAddress!), count: y.count))
                    let output = SharedBuffer(base: sums.baseAddress!, count: sums.count)
                    let bands = min(3 * outRows, max(3, 3 * threads * 4))
                    let perBand = (3 * outRows + bands - 1) / bands
                    MetricsParallel.forEach(count: bands, threads: threads) { band in
                        let lo = band * perBand, hi = min(lo + perBand, 3 * outRows)
                        guard lo < hi else { return }
                        var rows = RowFilter(width: width)
                        for index in lo..<hi {
                            let channel = index / outRows, row = index % outRows
                            let offset = channel * width * height
                            output.base[index] = rows.rowSum(
                                x: input.0.base + offset, y: input.1.base + offset, row: row)
                        }
                    }
                }
            }
        }
        let perChannel = (0..<3).map { c in rowSums[(c * outRows)..<((c + 1) * outRows)].reduce(0, +) }
        let valid = Double(outRows * (width - size + 1))
        return perChannel.map { $0 / valid }.reduce(0, +) / 3
    }

    /// Splits RGB24 into three planes of centred samples (R plane, G plane, B plane).
    static func deinterleave(_ rgb: [UInt8], pixels: Int) -> [Double] {
        var out = [Double](repeating: 0, count: 3 * pixels)
        out.withUnsafeMutableBufferPointer { o in
            rgb.withUnsafeBufferPointer { s in
                for p in 0..<pixels {
                    o[p] = Double(s[3 * p]) - centre
                    o[pixels + p] = Double(s[3 * p + 1]) - centre
                    o[2 * pixels + p] = Double(s[3 * p + 2]) - centre
                }
            }
        }
        return out
    }
}

/// Scratch rows for one worker: the vertically filtered moments of one output row, then the
/// horizontally filtered ones.
struct RowFilter {
    let width: Int
    var vertical: [Double]    // 5 rows of `width`: x, y, xx, yy, xy
    var horizontal: [Double]  // 5 rows of `width - 10`

    init(width: Int) {
        self.width = width
        vertical = [Double](repeating: 0, count: 5 * width)
        horizontal = [Double](repeating: 0, count: 5 * (width - SSIM.windowSize + 1))
    }

    /// Sum over one row of the cropped SSIM map of one channel plane pair.
    mutating func rowSum(x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>,
                         row: Int) -> Double {
        let w = width, size = SSIM.windowSize, outW = width - size + 1
        let window = SSIM.window
        return vertical.withUnsafeMutableBufferPointer { v in
            horizontal.withUnsafeMutableBufferPointer { h in
                let vb = v.baseAddress!, hb = h.baseAddress!
                v.update(repeating: 0)
                h.update(repeating: 0)
                for k in 0..<size {
                    let g = window[k]
                    let px = x + (row + k) * w, py = y + (row + k) * w
                    for j in 0..<w {
                        let a = px[j], b = py[j]
                        vb[j] += g * a
                        vb[w + j] += g * b
                        vb[2 * w + j] += g * (a * a)
                        vb[3 * w + j] += g * (b * b)
                        vb[4 * w + j] += g * (a * b)
                    }
                }
                for m in 0..<5 {
                    let src = vb + m * w, dst = hb + m * outW
                    for k in 0..<size {
                        let g = window[k]
                        for j in 0..<outW { dst[j] += g * src[j + k] }
                    }
                }
                var sum: Double = 0
                let c1 = SSIM.c1, c2 = SSIM.c2, centre = SSIM.centre
                for j in 0..<outW {
                    let mx = hb[j], my = hb[outW + j]
                    let vx = hb[2 * outW + j] - mx * mx
                    let vy = hb[3 * outW + j] - my * my
                    let cxy = hb[4 * outW + j] - mx * my
                    let ux = mx + centre, uy = my + centre
                    let num = (2 * ux * uy + c1) * (2 * cxy + c2)
                    let den = (ux * ux + uy * uy + c1) * (vx + vy + c2)
                    sum += num / den
                }
                return sum
            }
        }
    }
}

/// Frames SSIM cannot be computed on.
public enum SSIMError: LocalizedError, Equatable {
    /// The frame is smaller than the 11 x 11 Gaussian window.
    case frameTooSmall(width: Int, height: Int, minimum: Int)

    public var errorDescription: String? {
        switch self {
        case let .frameTooSmall(w, h, minimum):
            return "SSIM needs frames of at least \(minimum)x\(minimum) pixels (the Gaussian "
                + "window), got \(w)x\(h)"
        }
    }
}
