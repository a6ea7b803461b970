import COpenBLAS
import Foundation

/// One cblas_sgemm call of an I3D forward: (rows x depth) times the (depth x cout) kernel,
/// with the row strides the network uses.
struct I3DProduct: Sendable {
    let rows, depth, cout, lda, ldc: Int
    var flops: Double { 2 * Double(rows) * Double(depth) * Double(cout) }
}

/// The sgemm calls of the forward in progress, when one is being recorded (`I3DBenchmark`).
final class I3DProductLog: @unchecked Sendable {
    @TaskLocal static var current: I3DProductLog?
    private let lock = NSLock()
    private var list: [I3DProduct] = []

    func append(_ product: I3DProduct) { lock.withLock { list.append(product) } }
    var products: [I3DProduct] { lock.withLock { list } }
}

/// I3D's speed as a ratio to its floor: the same cblas_sgemm calls (shapes, strides, order,
/// one OpenBLAS thread, as the network runs them) with nothing else. The network is im2col
/// plus sgemm, so the ratio is what patch gathering, bias + ReLU, pooling and concatenation
/// cost on top of the products it cannot avoid, on whatever machine runs it.
public enum I3DBenchmark {
    /// What `run` measured; seconds are per clip, in run order.
    public struct Report: Sendable {
        /// Seconds of each timed forward.
        public var forwardSeconds: [Double]
        /// Seconds of the floor timed right before each forward.
        public var floorSeconds: [Double]
        /// sgemm calls of one forward.
        public var products: Int
        /// Floating-point operations of those calls (2 x multiply-adds).
        public var flop: Double

        /// The median over the runs of each forward's time over the floor timed before it.
        public var roundRatioMedian: Double {
            let ratios = zip(forwardSeconds, floorSeconds).map { $0 / $1 }.sorted()
            let middle = ratios.count / 2
            return ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2
        }
    }

    /// One recorded warm-up forward of `clip` (16 x 224 x 224 x 3, see `I3DPreprocess`) on
    /// `model`, then `runs` rounds of floor and forward, each forward on `threads` threads.
    public static func run(_ model: I3D, clip: [Float], runs: Int, threads: Int) -> Report {
        let log = I3DProductLog()
        I3DProductLog.$current.withValue(log) { _ = model.logits(clip: clip, threads: threads) }
        let products = log.products
        var report = Report(forwardSeconds: [], floorSeconds: [], products: products.count,
                            flop: products.reduce(0) { $0 + $1.flops })
        for _ in 0..<max(1, runs) {
            report.floorSeconds.append(floorSeconds(products))
            report.forwardSeconds.append(seconds { _ = model.logits(clip: clip, threads: threads) })
        }
        return report
    }

    /// Seconds of `products` run back to back on seeded data, one OpenBLAS thread.
    static func floorSeconds(_ products: [I3DProduct]) -> Double {
        vtkc_blas_single_threaded()
        let a = [Float](repeating: 0.01, count: products.map { $0.rows * $0.lda }.max() ?? 1)
        let b = [Float](repeating: 0.02, count: products.map { $0.depth * $0.cout }.max() ?? 1)
        var c = [Float](repeating: 0, count: products.map { $0.rows * $0.ldc }.max() ?? 1)
        return seconds {
            for p in products {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(p.rows), Int32(p.cout), Int32(p.depth),
                            1, a, Int32(p.lda), b, Int32(p.cout), 0, &c, Int32(p.ldc))
            }
        }
    }

    private static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
