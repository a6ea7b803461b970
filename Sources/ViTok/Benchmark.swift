import COpenBLAS
import Foundation

/// Work counts and a plain-sgemm baseline, for `vtkc bench`: the engine's speed is reported as
/// a ratio to what cblas_sgemm alone achieves on the model's own product shapes (`run`, in
/// EngineBenchmarkRun.swift, measures both).
public enum EngineBenchmark {
    /// One matrix product of a forward pass: (m x k) times (k x n), `count` times per clip.
    public struct Product: Sendable {
        public var name: String
        public var m, n, k, count: Int
        /// Multiply-adds times two.
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(count) }
        /// "m x n x k" without spaces, e.g. "1024x2304x768".
        public var shape: String { "\(m)x\(n)x\(k)" }
    }

    /// The products of encoding (`decoder == false`) or decoding one clip.
    public static func products(_ c: ViTokConfig, decoder: Bool) -> [Product] {
        let l = c.tokens
        let (width, depth, hidden) = decoder
            ? (c.decoderWidth, c.decoderDepth, c.decoderMlpHidden)
            : (c.encoderWidth, c.encoderDepth, c.encoderMlpHidden)
        let heads = width / ViTokConfig.headDim
        var list = [
            Product(name: "qkv", m: l, n: 3 * width, k: width, count: depth),
            Product(name: "proj", m: l, n: width, k: width, count: depth),
            Product(name: "fc1+fc2", m: l, n: hidden, k: width, count: 2 * depth),
            Product(name: "fc3", m: l, n: width, k: hidden, count: depth),
            Product(name: "q k^T", m: l, n: l, k: ViTokConfig.headDim, count: depth * heads),
            Product(name: "p v", m: l, n: ViTokConfig.headDim, k: l, count: depth * heads),
        ]
        if decoder {
            list.append(Product(name: "from_latent", m: l, n: width, k: c.latentChannels, count: 1))
            list.append(Product(name: "to_pixels", m: l, n: c.patchDim, k: width, count: 1))
        } else {
            list.append(Product(name: "patch_embed", m: l, n: width, k: c.patchDim, count: 1))
            list.append(Product(name: "to_latent", m: l, n: c.latentChannels, k: width, count: 1))
        }
        return list
    }

    /// The int8 path's library and the instruction set it dispatches to on this machine, e.g.
    /// "oneDNN 2.6.3, ISA avx512_core_bf16" (DNNL_MAX_CPU_ISA lowers it, for testing).
    public static var int8Library: String { "oneDNN \(OneDNN.version), ISA \(OneDNN.cpuISA)" }

    /// Floating-point operations (2 x multiply-adds) of encoding or decoding one clip.
    public static func flops(_ c: ViTokConfig, decoder: Bool) -> Double {
        products(c, decoder: decoder).reduce(0) { $0 + $1.flops }
    }

    /// Best-of-`repeats` GFLOP/s of cblas_sgemm on (m x k) x (k x n)^T with `threads`
    /// OpenBLAS threads, on seeded data.
    public static func sgemmGFLOPS(m: Int, n: Int, k: Int, threads: Int, repeats: Int = 5) -> Double {
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { vtkc_blas_single_threaded() }
        var a = [Float](repeating: 0, count: m * k)
        var b = [Float](repeating: 0, count: n * k)
        var c = [Float](repeating: 0, count: m * n)
        for i in a.indices { a[i] = Float(i % 13) * 0.01 - 0.06 }
        for i in b.indices { b[i] = Float(i % 7) * 0.01 - 0.03 }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            sgemmLinear(a, lda: k, weight: b, m: m, n: n, k: k, into: &c, ldc: n, beta: 0)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }

    /// Seconds that cblas_sgemm alone takes for all the products of encoding or decoding one
    /// clip (the same shapes and counts, back to back, `threads` OpenBLAS threads): the floor
    /// the engine is measured against.
    public static func sgemmFloorSeconds(_ config: ViTokConfig, decoder: Bool, threads: Int) -> Double {
        openblas_set_num_threads(Int32(max(1, threads)))
        defer { vtkc_blas_single_threaded() }
        let list = products(config, decoder: decoder)
        let sizeA = list.map { $0.m * $0.k }.max()!, sizeB = list.map { $0.n * $0.k }.max()!
        let sizeC = list.map { $0.m * $0.n }.max()!
        let a = [Float](repeating: 0.01, count: sizeA), b = [Float](repeating: 0.02, count: sizeB)
        var c = [Float](repeating: 0, count: sizeC)
        let start = DispatchTime.now().uptimeNanoseconds
        for product in list {
            for _ in 0..<product.count {
                sgemmLinear(a, lda: product.k, weight: b, m: product.m, n: product.n, k: product.k,
                            into: &c, ldc: product.n, beta: 0)
            }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
