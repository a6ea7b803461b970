/// Pooling layers of I3D on channel-last volumes.
enum I3DPool {
    /// Max pool with TensorFlow "SAME" padding: windows are clipped to the volume (padding never
    /// wins), output size ceil(n / stride) per axis. Computed one axis at a time, which is exact
    /// for box windows: the max over a product window is the max of per-axis maxima.
    static func max(_ x: I3DVolume, kernel: (t: Int, h: Int, w: Int), stride: (t: Int, h: Int, w: Int)) -> I3DVolume {
        var v = x
        v = maxAlongAxis(v, axis: 2, kernel: kernel.w, stride: stride.w)
        v = maxAlongAxis(v, axis: 1, kernel: kernel.h, stride: stride.h)
        v = maxAlongAxis(v, axis: 0, kernel: kernel.t, stride: stride.t)
        return v
    }

    /// Max along axis 0 (t), 1 (h) or 2 (w) of a t x h x w x c volume.
    private static func maxAlongAxis(_ x: I3DVolume, axis: Int, kernel: Int, stride: Int) -> I3DVolume {
        if kernel == 1 && stride == 1 { return x }
        let dims = [x.t, x.h, x.w]
        let n = dims[axis]
        let (outN, before) = samePadding(n, kernel: kernel, stride: stride)
        let outer = dims[..<axis].reduce(1, *)
        let inner = dims[(axis + 1)...].reduce(1, *) * x.c
        var outDims = dims
        outDims[axis] = outN
        var y = I3DVolume(t: outDims[0], h: outDims[1], w: outDims[2], c: x.c)
        x.data.withUnsafeBufferPointer { src in
            y.data.withUnsafeMutableBufferPointer { dst in
                let s = SharedPointer(base: UnsafeMutablePointer(mutating: src.baseAddress!))
                let d = SharedPointer(base: dst.baseAddress!)
                I3DParallel.rows(outer * outN) { range in
                    for job in range {
                        let o = job / outN, j = job % outN
                        let lo = Swift.max(0, j * stride - before)
                        let hi = Swift.min(n, j * stride - before + kernel)
                        let out = d.base + job * inner
                        out.update(from: s.base + (o * n + lo) * inner, count: inner)
                        for i in (lo + 1)..<hi {
                            let row = s.base + (o * n + i) * inner
                            for e in 0..<inner where row[e] > out[e] { out[e] = row[e] }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Average pool with "VALID" padding and stride 1 (the (2, 7, 7) pool before the logits).
    static func average(_ x: I3DVolume, kernel: (t: Int, h: Int, w: Int)) -> I3DVolume {
        let outT = x.t - kernel.t + 1, outH = x.h - kernel.h + 1, outW = x.w - kernel.w + 1
        precondition(outT > 0 && outH > 0 && outW > 0, "volume smaller than the average-pool window")
        var y = I3DVolume(t: outT, h: outH, w: outW, c: x.c)
        let scale = 1 / Float(kernel.t * kernel.h * kernel.w)
        for ot in 0..<outT {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    var sum = [Float](repeating: 0, count: x.c)
                    for dt in 0..<kernel.t {
                        for dy in 0..<kernel.h {
                            for dx in 0..<kernel.w {
                                let base = (((ot + dt) * x.h + oy + dy) * x.w + ox + dx) * x.c
                                for e in 0..<x.c { sum[e] += x.data[base + e] }
                            }
                        }
                    }
                    let base = ((ot * outH + oy) * outW + ox) * x.c
                    for e in 0..<x.c { y.data[base + e] = sum[e] * scale }
                }
            }
        }
        return y
    }
}
