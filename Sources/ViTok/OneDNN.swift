import CDNNL
import Foundation

/// The oneDNN CPU engine of the int8 path, created once per process. oneDNN picks its kernels
/// for the CPU at run time (AVX2, AVX-512, VNNI, AMX), so no build flag assumes a feature.
final class OneDNN: @unchecked Sendable {
    let engine: dnnl_engine_t

    private init(engine: dnnl_engine_t) { self.engine = engine }

    /// The process's engine, or the error that creating it gave.
    static let shared: Result<OneDNN, ViTokError> = {
        var engine: dnnl_engine_t?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        guard status == dnnl_success, let engine else {
            return .failure(ViTokError(.unsupportedPrecision, file: nil,
                                       "oneDNN CPU engine unavailable (\(describe(status)))"))
        }
        return .success(OneDNN(engine: engine))
    }()

    /// A readable name of a oneDNN status.
    static func describe(_ status: dnnl_status_t) -> String {
        switch status {
        case dnnl_success: "success"
        case dnnl_out_of_memory: "out of memory"
        case dnnl_invalid_arguments: "invalid arguments"
        case dnnl_unimplemented: "no implementation for this CPU"
        case dnnl_runtime_error: "runtime error"
        default: "status \(status.rawValue)"
        }
    }

    /// The instruction set oneDNN dispatches to on this machine (after any DNNL_MAX_CPU_ISA
    /// or ONEDNN_MAX_CPU_ISA limit), e.g. "avx512_core_bf16" or "avx2".
    static var cpuISA: String {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: "sse41"
        case dnnl_cpu_isa_avx: "avx"
        case dnnl_cpu_isa_avx2: "avx2"
        case dnnl_cpu_isa_avx2_vnni: "avx2_vnni"
        case dnnl_cpu_isa_avx512_core: "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: "avx512_core_amx"
        case let other: "isa 0x" + String(other.rawValue, radix: 16)
        }
    }

    /// The oneDNN library version, e.g. "2.6.3".
    static var version: String {
        guard let v = dnnl_version() else { return "unknown" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }
}
