import COpenBLAS

/// The 2-D convolution (im2col + sgemm) and pooling that the LPIPS backbone needs, on planar
/// channel-major Float maps (C x H x W).
enum ConvolutionKernels {
    /// Largest im2col block in floats (16 MiB): big frames are convolved in bands of output rows.
    static let maxColumnFloats = 4 << 20

    /// `relu(conv(x) + bias)`; returns the output map and its height and width. `column` is
    /// scratch space, grown as needed and kept by the caller so that large frames do not pay
    /// for fresh pages on every layer.
    static func convolveReLU(_ x: [Float], channels: Int, height: Int, width: Int,
                             conv: LPIPS.Conv, column: inout [Float]) -> ([Float], Int, Int) {
        let k = conv.kernel, s = conv.stride, p = conv.padding
        let outH = (height + 2 * p - k) / s + 1, outW = (width + 2 * p - k) / s + 1
        let rows = channels * k * k, n = outH * outW
        var out = [Float](repeating: 0, count: conv.outChannels * n)
        let bandRows = max(1, min(outH, maxColumnFloats / max(1, rows * outW)))
        if column.count < rows * bandRows * outW {
            column = [Float](repeating: 0, count: rows * bandRows * outW)
        }
        var y0 = 0
        while y0 < outH {
            let bandH = min(bandRows, outH - y0), bandN = bandH * outW
            x.withUnsafeBufferPointer { src in
                column.withUnsafeMutableBufferPointer { col in
                    for c in 0..<channels {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let r = (c * k + ky) * k + kx
                                // Output columns whose input column ox * s - p + kx lies inside the map.
                                let lo = min(outW, max(0, (p - kx + s - 1) / s))
                                let last = width - 1 + p - kx
                                let hi = last < 0 ? lo : max(lo, min(outW, last / s + 1))
                                for oy in 0..<bandH {
                                    let iy = (y0 + oy) * s - p + ky
                                    let dst = r * bandN + oy * outW
                                    guard iy >= 0, iy < height else {
                                        for ox in 0..<outW { col[dst + ox] = 0 }
                                        continue
                                    }
                                    for ox in 0..<lo { col[dst + ox] = 0 }
                                    for ox in hi..<outW { col[dst + ox] = 0 }
                                    let rowBase = (c * height + iy) * width - p + kx
                                    if s == 1 {
                                        for ox in lo..<hi { col[dst + ox] = src[rowBase + ox] }
                                    } else {
                                        for ox in lo..<hi { col[dst + ox] = src[rowBase + ox * s] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            conv.weight.withUnsafeBufferPointer { w in
                column.withUnsafeBufferPointer { col in
                    out.withUnsafeMutableBufferPointer { o in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                    Int32(conv.outChannels), Int32(bandN), Int32(rows), 1,
                                    w.baseAddress, Int32(rows), col.baseAddress, Int32(bandN), 0,
                                    o.baseAddress! + y0 * outW, Int32(n))
                    }
                }
            }
            y0 += bandH
        }
        out.withUnsafeMutableBufferPointer { o in
            for m in 0..<conv.outChannels {
                let b = conv.bias[m]
                for i in (m * n)..<((m + 1) * n) { o[i] = max(o[i] + b, 0) }
            }
        }
        return (out, outH, outW)
    }

    /// 3x3 max pooling with stride 2 and no padding (PyTorch `max_pool2d(x, 3, 2)`).
    static func maxPool3x3s2(_ x: [Float], channels: Int, height: Int, width: Int) -> ([Float], Int, Int) {
        let outH = (height - 3) / 2 + 1, outW = (width - 3) / 2 + 1
        var out = [Float](repeating: 0, count: channels * outH * outW)
        for c in 0..<channels {
            let src = c * height * width, dst = c * outH * outW
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var m = -Float.infinity
                    for dy in 0..<3 {
                        let row = src + (2 * oy + dy) * width + 2 * ox
                        m = max(m, x[row], x[row + 1], x[row + 2])
                    }
                    out[dst + oy * outW + ox] = m
                }
            }
        }
        return (out, outH, outW)
    }
}
