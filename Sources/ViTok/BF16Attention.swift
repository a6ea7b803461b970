import CDNNL
import Foundation

/// The two products of attention in bf16 on oneDNN, for one tower's token count: scores
/// (rows x tokens f32) = q (rows x 64 bf16) k^T (k: tokens x 64 bf16), and the weighted sum
/// (rows x 64 f32) = p (rows x tokens bf16) v (tokens x 64 bf16). All layouts are plain and
/// contiguous, one primitive per query row count (a full tile and the last, shorter one), each
/// run on the calling thread: the result does not depend on how the work is spread.
public final class BF16Attention: @unchecked Sendable {
    let tokens: Int
    private let oneDNN: OneDNN
    private let scoreKernels: [Int: Kernel]
    private let valueKernels: [Int: Kernel]

    private final class Kernel {
        let pd: dnnl_primitive_desc_t
        let primitive: dnnl_primitive_t

        init(pd: dnnl_primitive_desc_t, primitive: dnnl_primitive_t) {
            (self.pd, self.primitive) = (pd, primitive)
        }

        var implementation: String { String(cString: vtkc_dnnl_impl_name(pd)) }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_primitive_desc_destroy(pd)
        }
    }

    /// Kernels for `tokens` keys and query tiles of `tile` rows (and the remainder).
    init(tokens: Int, tile: Int) throws {
        oneDNN = try OneDNN.shared.get()
        self.tokens = tokens
        var rowCounts = [min(tile, tokens)]
        if tokens % tile != 0, tokens > tile { rowCounts.append(tokens % tile) }
        var scores: [Int: Kernel] = [:], values: [Int: Kernel] = [:]
        for rows in rowCounts {
            scores[rows] = try Self.kernel(oneDNN, m: rows, n: tokens, k: Self.headDim, transposed: true)
            values[rows] = try Self.kernel(oneDNN, m: rows, n: Self.headDim, k: tokens, transposed: false)
        }
        (scoreKernels, valueKernels) = (scores, values)
    }

    static let headDim = 64

    /// The implementation oneDNN chose, e.g. "brg:avx512_core_bf16".
    var implementation: String { scoreKernels.values.first?.implementation ?? "" }

    /// scores = q k^T for `rows` query rows (q: rows x 64, k: tokens x 64, both bf16).
    func scores(_ q: UnsafePointer<UInt16>, _ k: UnsafePointer<UInt16>, rows: Int,
                into scores: UnsafeMutablePointer<Float>) {
        run(scoreKernels, rows: rows, q, k, scores)
    }

    /// out = p v for `rows` rows of p (rows x tokens bf16), v: tokens x 64 bf16.
    func weightedValues(_ p: UnsafePointer<UInt16>, _ v: UnsafePointer<UInt16>, rows: Int,
                        into out: UnsafeMutablePointer<Float>) {
        run(valueKernels, rows: rows, p, v, out)
    }

    private func run(_ kernels: [Int: Kernel], rows: Int, _ src: UnsafePointer<UInt16>,
                     _ weights: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>) {
        guard let kernel = kernels[rows] else {
            preconditionFailure("bf16 attention has no kernel for \(rows) query rows")
        }
        let status = vtkc_dnnl_matmul_execute(oneDNN.engine, kernel.pd, kernel.primitive, src, nil,
                                              weights, dst)
        precondition(status == dnnl_success,
                     "oneDNN bf16 product failed: \(OneDNN.describe(status))")
    }

    private static func kernel(_ oneDNN: OneDNN, m: Int, n: Int, k: Int, transposed: Bool) throws
        -> Kernel {
        var pd: dnnl_primitive_desc_t?
        var primitive: dnnl_primitive_t?
        let status = vtkc_dnnl_matmul_bf16_create(oneDNN.engine, Int64(m), Int64(n), Int64(k),
                                                  transposed ? 1 : 0, &pd, &primitive)
        guard status == dnnl_success, let pd, let primitive else {
            throw ViTokError(.unsupportedPrecision, file: nil,
                             "oneDNN bf16 product \(m)x\(k)x\(n) unavailable (\(OneDNN.describe(status)))")
        }
        return Kernel(pd: pd, primitive: primitive)
    }

    /// What oneDNN runs a bf16 attention product with on this CPU ("none" when it has none).
    static let probedImplementation: String = {
        guard let probe = try? BF16Attention(tokens: 1024, tile: 256) else { return "none" }
        return probe.implementation
    }()

    /// `probedImplementation` when it is a native bf16 kernel (its instruction set names bf16
    /// or AMX), nil where oneDNN would emulate bf16 or has no kernel.
    public static let nativeImplementation: String? = {
        let name = probedImplementation
        let isa = name.split(separator: ":").last.map(String.init) ?? ""
        return isa.contains("bf16") || isa.contains("amx") ? name : nil
    }()
}
