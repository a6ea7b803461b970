import COpenBLAS
import Dispatch

/// A channel-last activation of one clip: `t x h x w x c` floats.
struct I3DVolume {
    var t: Int, h: Int, w: Int, c: Int
    var data: [Float]

    var positions: Int { t * h * w }
    var shape: I3DShape { I3DShape(t: t, h: h, w: w, c: c) }

    init(t: Int, h: Int, w: Int, c: Int, data: [Float]? = nil) {
        (self.t, self.h, self.w, self.c) = (t, h, w, c)
        self.data = data ?? [Float](repeating: 0, count: t * h * w * c)
    }
}

/// The dimensions of an `I3DVolume`, without its data.
struct I3DShape {
    let t: Int, h: Int, w: Int, c: Int
    var positions: Int { t * h * w }
}

/// Raw pointer that may cross into `concurrentPerform` workers (each touches its own rows).
struct SharedPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}

/// Splits row ranges across threads for the memory-bound steps (patch gathering, bias and
/// ReLU, pooling); the matrix products run on one OpenBLAS thread (`I3D.logits` sets it).
enum I3DParallel {
    /// Threads of the call in progress (`I3D.logits(clip:threads:)` sets it); the parts of
    /// every step are disjoint rows, so the result does not depend on it.
    @TaskLocal static var workers = 1

    /// Calls `body` on contiguous parts of 0..<count, one part per worker (a single part when
    /// `count` is small).

    static func rows(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let parts = min(workers, max(1, count / 64))
        if parts == 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            body((p * count / parts)..<((p + 1) * count / parts))
        }
    }
}

/// TensorFlow "SAME" geometry for one axis: output size ceil(n / s); of the total padding,
/// the smaller half goes before and the rest after.
func samePadding(_ n: Int, kernel k: Int, stride s: Int) -> (out: Int, before: Int) {
    let out = (n + s - 1) / s
    let total = max((out - 1) * s + k - n, 0)
    return (out, total / 2)
}

/// Conv3d (no bias) + batch norm (no scale, eps 1e-3) + ReLU, with the batch norm folded into
/// the kernel at load: w' = w / sqrt(var + eps) per output channel, b' = beta - mean / sqrt(var + eps).
/// Computed as im2col (patch rows in (dt, dy, dx, cin) order, matching the DHWIO kernel) times
/// the kernel matrix with cblas_sgemm, in chunks of output rows so that the patch matrix stays
/// small (about 16 MB) even for the 7x7x7 stem on 224x224 frames.
struct I3DConvUnit {
    static let bnEpsilon = 1e-3
    static let chunkFloats = 1 << 22

    let kernel: (t: Int, h: Int, w: Int)
    let stride: (t: Int, h: Int, w: Int)
    let cin: Int, cout: Int
    /// (kt * kh * kw * cin) x cout, row-major.
    let weights: [Float]
    let bias: [Float]
    let relu: Bool

    /// Reads `<name>.kernel` and the batch-norm tensors from `file` and folds them.
    init(_ file: inout I3DTensorFile, _ name: String, cin: Int, cout: Int,
         kernel: (Int, Int, Int), stride: (Int, Int, Int) = (1, 1, 1)) throws {
        (self.kernel, self.stride, self.cin, self.cout, relu) = (kernel, stride, cin, cout, true)
        var w = try file.take("\(name).kernel", shape: [kernel.0, kernel.1, kernel.2, cin, cout])
        let beta = try file.take("\(name).bn_beta", shape: [cout])
        let mean = try file.take("\(name).bn_mean", shape: [cout])
        let variance = try file.take("\(name).bn_var", shape: [cout])
        let scale = (0..<cout).map { 1 / (Double(variance[$0]) + Self.bnEpsilon).squareRoot() }
        for row in 0..<(w.count / cout) {
            for j in 0..<cout { w[row * cout + j] = Float(Double(w[row * cout + j]) * scale[j]) }
        }
        weights = w
        bias = (0..<cout).map { Float(Double(beta[$0]) - Double(mean[$0]) * scale[$0]) }
    }

    /// A plain 1x1x1 convolution with bias and no activation (the logits layer).
    init(_ file: inout I3DTensorFile, logits name: String, cin: Int, cout: Int) throws {
        (kernel, stride, self.cin, self.cout, relu) = ((1, 1, 1), (1, 1, 1), cin, cout, false)
        weights = try file.take("\(name).kernel", shape: [1, 1, 1, cin, cout])
        bias = try file.take("\(name).bias", shape: [cout])
    }

    /// Output geometry for an input of t x h x w.
    func outputSize(t: Int, h: Int, w: Int) -> (t: Int, h: Int, w: Int) {
        (samePadding(t, kernel: kernel.t, stride: stride.t).out,
         samePadding(h, kernel: kernel.h, stride: stride.h).out,
         samePadding(w, kernel: kernel.w, stride: stride.w).out)
    }

    /// Applies the unit to channels [channel, channel + cin) of `input` and writes channels
    /// [outChannel, outChannel + cout) of `output`, whose size must be `outputSize`.
    func apply(_ input: I3DVolume, channel: Int = 0, into output: inout I3DVolume, outChannel: Int = 0) {
        precondition(channel + cin <= input.c && outChannel + cout <= output.c)
        let (inShape, outShape) = (input.shape, output.shape)
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                let out = SharedPointer(base: dst.baseAddress! + outChannel)
                let inPtr = src.baseAddress! + channel
                if kernel == (1, 1, 1) && stride == (1, 1, 1) {
                    gemm(rows: outShape.positions, depth: cin, a: inPtr, lda: inShape.c, out: out.base, ldc: outShape.c)
                } else {
                    convolve(inShape, inPtr: inPtr, output: outShape, out: out)
                }
                epilogue(rows: outShape.positions, out: out, ldc: outShape.c)
            }
        }
    }

    /// out[rows x cout] (row stride ldc) = a[rows x depth] (row stride lda) x weights.
    private func gemm(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                      out: UnsafeMutablePointer<Float>, ldc: Int) {
        I3DProductLog.current?.append(I3DProduct(rows: rows, depth: depth, cout: cout, lda: lda, ldc: ldc))
        weights.withUnsafeBufferPointer { w in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(cout), Int32(depth),
                        1, a, Int32(lda), w.baseAddress!, Int32(cout), 0, out, Int32(ldc))
        }
    }

    private func convolve(_ input: I3DShape, inPtr: UnsafePointer<Float>, output: I3DShape, out: SharedPointer) {
        let k = kernel.t * kernel.h * kernel.w * cin
        let rows = output.positions
        let chunk = max(1, min(rows, Self.chunkFloats / k))
        var patches = [Float](repeating: 0, count: chunk * k)
        let source = SharedPointer(base: UnsafeMutablePointer(mutating: inPtr))
        patches.withUnsafeMutableBufferPointer { buffer in
            let cols = SharedPointer(base: buffer.baseAddress!)
            var start = 0
            while start < rows {
                let count = min(chunk, rows - start)
                let first = start
                I3DParallel.rows(count) { range in
                    for r in range {
                        im2colRow(first + r, input: input, src: source.base, dst: cols.base + r * k, output: output)
                    }
                }
                gemm(rows: count, depth: k, a: cols.base, lda: k, out: out.base + start * output.c, ldc: output.c)
                start += count
            }
        }
    }

    /// Writes the patch of output position `m` (k floats) to `dst`; padding cells are zero.
    private func im2colRow(_ m: Int, input: I3DShape, src: UnsafeMutablePointer<Float>,
                           dst: UnsafeMutablePointer<Float>, output: I3DShape) {
        let ox = m % output.w, oy = (m / output.w) % output.h, ot = m / (output.w * output.h)
        let pt = samePadding(input.t, kernel: kernel.t, stride: stride.t).before
        let ph = samePadding(input.h, kernel: kernel.h, stride: stride.h).before
        let pw = samePadding(input.w, kernel: kernel.w, stride: stride.w).before
        let x0 = ox * stride.w - pw
        let xLo = max(0, x0), xHi = min(input.w, x0 + kernel.w)
        let run = kernel.w * cin
        var d = dst
        for dt in 0..<kernel.t {
            let it = ot * stride.t - pt + dt
            for dy in 0..<kernel.h {
                let iy = oy * stride.h - ph + dy
                guard it >= 0, it < input.t, iy >= 0, iy < input.h, xHi > xLo else {
                    d.update(repeating: 0, count: run)
                    d += run
                    continue
                }
                let before = (xLo - x0) * cin, valid = (xHi - xLo) * cin
                if before > 0 { d.update(repeating: 0, count: before) }
                let rowBase = src + ((it * input.h + iy) * input.w + xLo) * input.c
                if cin == input.c {
                    (d + before).update(from: rowBase, count: valid)
                } else {
                    for x in 0..<(xHi - xLo) {
                        (d + before + x * cin).update(from: rowBase + x * input.c, count: cin)
                    }
                }
                let after = run - before - valid
                if after > 0 { (d + before + valid).update(repeating: 0, count: after) }
                d += run
            }
        }
    }

    /// Adds the bias and applies ReLU (when the unit has one) to the written rows.
    private func epilogue(rows: Int, out: SharedPointer, ldc: Int) {
        bias.withUnsafeBufferPointer { b in
            let bias = SharedPointer(base: UnsafeMutablePointer(mutating: b.baseAddress!))
            let (cout, relu) = (cout, relu)
            I3DParallel.rows(rows) { range in
                for r in range {
                    let row = out.base + r * ldc
                    for j in 0..<cout {
                        let v = row[j] + bias.base[j]
                        row[j] = relu ? (v > 0 ? v : 0) : v
                    }
                }
            }
        }
    }
}
