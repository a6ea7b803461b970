import COpenBLAS
import Foundation

/// The OpenBLAS kernel set this process runs on, and the one it should run on.
///
/// OpenBLAS 0.3.21 picks its kernels once, when the library loads, from the CPU model; a model
/// it does not know gets its oldest x86-64 kernels (Prescott, SSE3), 3-5x slower than the AVX2
/// ones on float32 products. `OPENBLAS_CORETYPE` overrides the choice, but only before the
/// library loads, so `vtkc` checks at start and, when the kernels are older than the CPU can
/// run, runs itself again with the variable set (`selectedByVTKC` then says so).
public enum BLASCore {
    /// Kernel sets that use AVX2 and FMA or AVX-512 (OpenBLAS's names).
    static let modern: Set<String> = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"]

    /// The environment variable that marks a process `vtkc` started again with a chosen core
    /// (its value: the core it replaced).
    static let selectionMark = "VTKC_BLAS_CORE_SELECTED"

    /// OpenBLAS's name of the kernel set in use, e.g. "Cooperlake" or "Prescott".
    public static var name: String { String(cString: vtkc_blas_corename()) }

    /// What the CPU offers, by cpuid.
    public static var cpuFeatures: [String] {
        [(0, "avx2+fma"), (1, "avx512"), (2, "avx512_bf16"), (3, "avx512_vnni")]
            .filter { vtkc_cpu_supports(Int32($0.0)) != 0 }.map(\.1)
    }

    /// The best kernel set for this CPU among OpenBLAS's: SkylakeX with AVX-512 (Cooperlake
    /// where BF16 is there too), Haswell with AVX2 + FMA, nil on an older CPU.
    public static var recommended: String? {
        if vtkc_cpu_supports(1) != 0 { return vtkc_cpu_supports(2) != 0 ? "Cooperlake" : "SkylakeX" }
        return vtkc_cpu_supports(0) != 0 ? "Haswell" : nil
    }

    /// Whether the kernels in use are older than what the CPU can run (a fallback).
    public static func isFallback(core: String = name) -> Bool {
        recommended != nil && !modern.contains(core)
    }

    /// The fallback kernel set OpenBLAS first loaded, when this process is one `vtkc` started
    /// again to replace it; nil otherwise.
    public static var replacedCore: String? { ProcessInfo.processInfo.environment[selectionMark] }

    /// Whether this process is one `vtkc` started again to choose the core.
    public static var selectedByVTKC: Bool { replacedCore != nil }

    /// The environment for running this program again on the recommended kernels, or nil when
    /// the kernels in use are fine (or this process already is such a run).
    public static func reexecEnvironment() -> [String: String]? {
        guard isFallback(), !selectedByVTKC, let core = recommended else { return nil }
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = core
        environment[selectionMark] = name
        return environment
    }
}
