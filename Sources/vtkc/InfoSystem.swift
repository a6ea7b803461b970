import Foundation
import ViTok

/// `vtkc info --system`: what the engine runs on here.
extension Info {
    struct SystemReport: Encodable {
        var cpuFeatures: [String]
        var blasCore: String
        var blasCoreRecommended: String?
        var blasCoreIsFallback: Bool
        /// The fallback kernels OpenBLAS first loaded, when vtkc restarted itself to replace them.
        var blasCoreReplaced: String?
        var int8Library: String
        /// oneDNN's native bf16 kernel for attention ("brg:avx512_core_bf16"), nil without one.
        var attentionBF16: String?
        /// What `--attention auto` runs at the default precision.
        var attentionDefault: String
    }

    func describeSystem() throws {
        let replaced = BLASCore.replacedCore
        let report = SystemReport(
            cpuFeatures: BLASCore.cpuFeatures, blasCore: BLASCore.name, blasCoreRecommended: BLASCore.recommended,
            blasCoreIsFallback: BLASCore.isFallback(), blasCoreReplaced: replaced,
            int8Library: EngineBenchmark.int8Library,
            attentionBF16: BF16Attention.nativeImplementation,
            attentionDefault: AttentionPrecision.automatic(for: .default).rawValue)
        if json { return try printJSON(report) }
        try printOutput("""
            cpu:          \(report.cpuFeatures.isEmpty ? "no AVX2" : report.cpuFeatures.joined(separator: ", "))
            openblas:     \(report.blasCore) kernels\(replaced.map { " (vtkc restarted on them: OpenBLAS had loaded \($0))" } ?? "")\
            \(report.blasCoreIsFallback ? ", a fallback: this CPU could run \(report.blasCoreRecommended ?? "?")" : "")
            int8 engine:  \(report.int8Library)
            attention:    \(report.attentionDefault) by default\(report.attentionBF16.map { " (bf16 kernel \($0))" } ?? " (no native bf16 kernel)")
            """)
    }
}
