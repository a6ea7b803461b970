import Foundation
import ViTok

/// Runs `vtkc` again on OpenBLAS's right kernels when the library loaded its fallback ones
/// (`BLASCore`): the same program, arguments and environment plus `OPENBLAS_CORETYPE`.
enum BLASSelection {
    /// Replaces this process when the kernels in use are a fallback; returns when they are
    /// not, or when the program cannot be started again (then it goes on, slower).
    static func ensureModernKernels() {
        guard let environment = BLASCore.reexecEnvironment() else { return }
        var variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") }
        variables.append(nil)
        execve("/proc/self/exe", CommandLine.unsafeArgv, variables)
        printError("vtkc: warning: OpenBLAS runs its \(BLASCore.name) kernels; could not restart on "
            + "\(BLASCore.recommended ?? "?") (\(String(cString: strerror(errno))))")
    }
}
