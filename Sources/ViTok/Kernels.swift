import COpenBLAS
import Foundation

/// Vector kernels of the transformer: exp, softmax, LayerNorm, SwiGLU gate, bias. They work on
/// 16-float SIMD vectors (two AVX2 registers on the haswell target) with a scalar tail.
typealias Vec = SIMD16<Float>

/// A raw pointer that may cross into `concurrentPerform` closures; the caller guarantees the
/// workers touch disjoint parts.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    init(_ base: UnsafePointer<T>) { self.base = UnsafeMutablePointer(mutating: base) }
}

/// Runs `body` on `count` items split into `threads` contiguous ranges, one per worker.
func parallelRanges(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        body(count * worker / workers ..< count * (worker + 1) / workers)
    }
}

/// Rows per piece of row-parallel work. Pieces never depend on the thread count, so every
/// sgemm call sees the same shapes and the same rows for any `threads`, and the output is
/// bit-identical across thread counts (OpenBLAS may round differently for other row counts).
let rowChunk = 256

/// Runs `body` on `rows` token rows cut into pieces of `rowChunk` rows (the last may be
/// shorter), dealt round-robin to at most `threads` workers.
func parallelRows(_ rows: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let pieces = (rows + rowChunk - 1) / rowChunk
    let workers = max(1, min(threads, pieces))
    if workers == 1 {
        for index in 0..<pieces { body(index * rowChunk ..< min(rows, (index + 1) * rowChunk)) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for index in stride(from: worker, to: pieces, by: workers) {
            body(index * rowChunk ..< min(rows, (index + 1) * rowChunk))
        }
    }
}

@inline(__always) func load(_ p: UnsafePointer<Float>) -> Vec {
    UnsafeRawPointer(p).loadUnaligned(as: Vec.self)
}

@inline(__always) func store(_ v: Vec, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vec.self)
}

/// e^x to about 2 ulp: x = n ln2 + r with |r| <= ln2/2, a degree-6 polynomial for e^r, and
/// 2^n assembled in the exponent bits. Inputs are clamped to the finite float range.
@inline(__always) func exp(_ value: Vec) -> Vec {
    // Masked blends rather than pointwiseMin/Max, which go element by element.
    var x = value
    x.replace(with: Vec(repeating: -87.3), where: x .< Vec(repeating: -87.3))
    x.replace(with: Vec(repeating: 88.3), where: x .> Vec(repeating: 88.3))
    let shifter = Vec(repeating: 12_582_912)            // 1.5 * 2^23: rounds to an integer
    let t = shifter.addingProduct(x, Vec(repeating: 1.442_695_04))
    let n = t - shifter
    var r = x.addingProduct(n, Vec(repeating: -0.693_145_751_953_125))   // ln2 high part
    r = r.addingProduct(n, Vec(repeating: -1.428_606_765_330_187e-06))   // ln2 low part
    var p = Vec(repeating: 1.0 / 120).addingProduct(Vec(repeating: 1.0 / 720), r)
    p = Vec(repeating: 1.0 / 24).addingProduct(p, r)
    p = Vec(repeating: 1.0 / 6).addingProduct(p, r)
    p = Vec(repeating: 0.5).addingProduct(p, r)
    p = Vec(repeating: 1).addingProduct(p, r)
    p = Vec(repeating: 1).addingProduct(p, r)
    let integer = unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Vec.self)
    return p * scale
}

/// Replaces each of `rows` rows of `columns` scores by exp(x - rowmax) (the unnormalised
/// softmax) and writes each row's sum of exponentials to `sums`.
func softmaxNumerators(_ s: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                       sums: UnsafeMutablePointer<Float>) {
    let vectorEnd = columns & ~15
    for row in 0..<rows {
        let p = s + row * columns
        var best = Vec(repeating: -.infinity)
        var i = 0
        while i < vectorEnd {
            let v = load(p + i)
            best.replace(with: v, where: v .> best)
            i += 16
        }
        var maximum = best.max()
        for j in vectorEnd..<columns { maximum = max(maximum, p[j]) }
        let shift = Vec(repeating: maximum)
        var (total0, total1) = (Vec.zero, Vec.zero)
        i = 0
        while i + 32 <= vectorEnd {                       // two vectors in flight
            let e0 = exp(load(p + i) - shift), e1 = exp(load(p + i + 16) - shift)
            store(e0, p + i)
            store(e1, p + i + 16)
            total0 += e0
            total1 += e1
            i += 32
        }
        while i < vectorEnd {
            let e = exp(load(p + i) - shift)
            store(e, p + i)
            total0 += e
            i += 16
        }
        let total = total0 + total1
        var sum = total.sum()
        for j in vectorEnd..<columns {
            p[j] = Foundation.exp(p[j] - maximum)
            sum += p[j]
        }
        sums[row] = sum
    }
}

/// LayerNorm (eps 1e-6, affine) of `rows` rows of `width` values (a multiple of 16).
func layerNorm(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Int,
               width: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>) {
    let inverseWidth = 1 / Float(width)
    for row in 0..<rows {
        let src = x + row * width, dst = out + row * width
        var acc = Vec.zero
        for i in stride(from: 0, to: width, by: 16) { acc += load(src + i) }
        let mean = Vec(repeating: acc.sum() * inverseWidth)
        var squares = Vec.zero
        for i in stride(from: 0, to: width, by: 16) {
            let d = load(src + i) - mean
            squares += d * d
        }
        let rstd = Vec(repeating: 1 / (squares.sum() * inverseWidth + 1e-6).squareRoot())
        for i in stride(from: 0, to: width, by: 16) {
            store((load(src + i) - mean) * rstd * load(gamma + i) + load(beta + i), dst + i)
        }
    }
}

/// a = silu(a + biasA) * (g + biasG), row by row over `columns` values.
func swiGLUGate(_ a: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, rows: Int,
                columns: Int, biasA: UnsafePointer<Float>, biasG: UnsafePointer<Float>) {
    let vectorEnd = columns & ~15
    for row in 0..<rows {
        let pa = a + row * columns, pg = g + row * columns
        var i = 0
        while i < vectorEnd {
            let x = load(pa + i) + load(biasA + i)
            let silu = x / (1 + exp(-x))
            store(silu * (load(pg + i) + load(biasG + i)), pa + i)
            i += 16
        }
        for j in vectorEnd..<columns {
            let x = pa[j] + biasA[j]
            pa[j] = x / (1 + Foundation.exp(-x)) * (pg[j] + biasG[j])
        }
    }
}

/// Adds `bias` (length `columns`) to each of `rows` rows.
func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
             bias: UnsafePointer<Float>) {
    for row in 0..<rows {
        let p = x + row * columns
        for j in 0..<columns { p[j] += bias[j] }
    }
}

/// C (m x n, leading dimension ldc) = A (m x k, lda) * W^T + beta C, with W a PyTorch Linear
/// weight (n x k, row-major).
@inline(__always)
func sgemmLinear(_ a: UnsafePointer<Float>, lda: Int, weight: UnsafePointer<Float>, m: Int,
                 n: Int, k: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a,
                Int32(lda), weight, Int32(k), beta, c, Int32(ldc))
}
