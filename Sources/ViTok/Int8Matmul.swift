import CDNNL
import Foundation

/// One Linear weight as a oneDNN u8 x s8 -> s32 product: the int8 rows reordered once into the
/// layout oneDNN chose for this CPU, and one primitive per row count seen (the engine's pieces
/// are `rowChunk` rows, the last of a batch may be shorter). Integer products are exact, so the
/// result does not depend on the kernel oneDNN picks or on how it splits the work.
final class Int8Matmul: @unchecked Sendable {
    let outFeatures: Int
    let inFeatures: Int
    private let oneDNN: OneDNN
    private let values: UnsafePointer<Int8>
    private let keepAlive: AnyObject?
    private let lock = NSLock()
    private var kernels: [Int: Kernel] = [:]
    /// The reordered weights every kernel shares when its layout matches (it always has).
    private let baseWeights: dnnl_memory_t
    private let baseLayout: UnsafePointer<dnnl_memory_desc_t>

    /// One primitive for a row count, with the weights in its layout.
    private final class Kernel {
        let pd: dnnl_primitive_desc_t
        let primitive: dnnl_primitive_t
        let weights: dnnl_memory_t
        let ownsWeights: Bool

        init(pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t, weights: dnnl_memory_t,
             ownsWeights: Bool) {
            (self.pd, self.primitive, self.weights, self.ownsWeights) = (pd, primitive, weights, ownsWeights)
        }

        deinit {
            if ownsWeights { dnnl_memory_destroy(weights) }
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(pd)
        }
    }

    /// The product of `values` (outFeatures x inFeatures int8, row-major; kept alive by
    /// `owner`). Throws when oneDNN has no kernel or no memory for it.
    init(values: UnsafePointer<Int8>, owner: AnyObject?, outFeatures: Int, inFeatures: Int,
         name: String) throws {
        oneDNN = try OneDNN.shared.get()
        (self.values, keepAlive, self.outFeatures, self.inFeatures) = (values, owner, outFeatures, inFeatures)
        let (pd, primitive) = try Self.primitive(oneDNN, rows: rowChunk, n: outFeatures,
                                                 k: inFeatures, name: name)
        var weights: dnnl_memory_t?
        let status = vtkc_dnnl_reorder_weights(oneDNN.engine, pd, values, Int64(outFeatures),
                                               Int64(inFeatures), &weights)
        guard status == dnnl_success, let weights else {
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(pd)
            throw ViTokError(.unsupportedPrecision, file: nil, tensor: name,
                             "oneDNN weight reorder failed (\(OneDNN.describe(status)))")
        }
        baseWeights = weights
        baseLayout = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)
        kernels[rowChunk] = Kernel(pd: pd, primitive: primitive, weights: weights, ownsWeights: true)
    }

    /// The implementation oneDNN chose, e.g. "brg:avx512_core_vnni" or "gemm:jit".
    var implementation: String {
        lock.withLock { kernels[rowChunk].map { String(cString: vtkc_dnnl_impl_name($0.pd)) } ?? "" }
    }

    /// dst (rows x outFeatures int32) = src (rows x inFeatures u8) x W^T, on the calling thread.
    func run(_ src: UnsafePointer<UInt8>, rows: Int, into dst: UnsafeMutablePointer<Int32>) {
        let kernel = self.kernel(rows: rows)
        let status = vtkc_dnnl_matmul_execute(oneDNN.engine, kernel.pd, kernel.primitive, src,
                                              kernel.weights, nil, dst)
        precondition(status == dnnl_success,
                     "oneDNN int8 product \(rows)x\(inFeatures)x\(outFeatures) failed: \(OneDNN.describe(status))")
    }

    private func kernel(rows: Int) -> Kernel {
        lock.withLock {
            if let kernel = kernels[rows] { return kernel }
            let name = "\(rows)x\(inFeatures)x\(outFeatures)"
            guard let (pd, primitive) = try? Self.primitive(oneDNN, rows: rows, n: outFeatures,
                                                            k: inFeatures, name: name) else {
                preconditionFailure("oneDNN has no int8 product \(name) though it has one for \(rowChunk) rows")
            }
            let layout = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)
            var kernel: Kernel
            if dnnl_memory_desc_equal(layout, baseLayout) != 0 {
                kernel = Kernel(pd: pd, primitive: primitive, weights: baseWeights, ownsWeights: false)
            } else {
                var weights: dnnl_memory_t?
                let status = vtkc_dnnl_reorder_weights(oneDNN.engine, pd, values, Int64(outFeatures),
                                                       Int64(inFeatures), &weights)
                precondition(status == dnnl_success && weights != nil,
                             "oneDNN weight reorder for \(name) failed: \(OneDNN.describe(status))")
                kernel = Kernel(pd: pd, primitive: primitive, weights: weights!, ownsWeights: true)
            }
            kernels[rows] = kernel
            return kernel
        }
    }

    private static func primitive(_ oneDNN: OneDNN, rows: Int, n: Int, k: Int, name: String) throws
        -> (dnnl_primitive_desc_t, dnnl_primitive_t) {
        var pd: dnnl_primitive_desc_t?
        var primitive: dnnl_primitive_t?
        let status = vtkc_dnnl_matmul_create(oneDNN.engine, Int64(rows), Int64(n), Int64(k), &pd,
                                             &primitive)
        guard status == dnnl_success, let pd, let primitive else {
            throw ViTokError(.unsupportedPrecision, file: nil, tensor: name,
                             "oneDNN int8 product unavailable (\(OneDNN.describe(status)))")
        }
        return (pd, primitive)
    }
}
