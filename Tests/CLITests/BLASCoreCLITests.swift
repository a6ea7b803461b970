import Foundation
import XCTest

/// OpenBLAS's fallback kernels are replaced at start on a CPU that can run better ones.
final class BLASCoreCLITests: XCTestCase {
    func system(_ environment: [String: String], in dir: URL) throws -> [String: Any] {
        let run = try CodecCLI.run(["info", "--system", "--json"], in: dir, environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    func testFallbackKernelsAreReplacedOnAnAVX2CPU() throws {
        let dir = try CodecCLI.scratch(self)
        let plain = try system([:], in: dir)
        guard (plain["cpu_features"] as? [String])?.contains("avx2+fma") == true else {
            throw XCTSkip("this CPU has no AVX2 + FMA: OpenBLAS's old kernels are the right ones")
        }
        let modern: Set<String> = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"]
        XCTAssertTrue(modern.contains(plain["blas_core"] as? String ?? ""), "\(plain)")
        XCTAssertEqual(plain["blas_core_is_fallback"] as? Bool, false)
        // Force what OpenBLAS does on a CPU model it does not know: its Prescott kernels.
        let forced = try system(["OPENBLAS_CORETYPE": "Prescott"], in: dir)
        XCTAssertEqual(forced["blas_core_replaced"] as? String, "Prescott", "\(forced)")
        XCTAssertEqual(forced["blas_core"] as? String, plain["blas_core_recommended"] as? String)
        XCTAssertTrue(modern.contains(forced["blas_core"] as? String ?? ""), "\(forced)")
        XCTAssertEqual(forced["blas_core_is_fallback"] as? Bool, false)

        // The restarted process does the same work: the same .vtk bytes as a plain run.
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 9)
        let model = CodecCLI.tinyModel.path
        for (name, environment) in [("a.vtk", [:]), ("b.vtk", ["OPENBLAS_CORETYPE": "Prescott"])] {
            let run = try CodecCLI.run(["compress", "in.mp4", "-o", name, "--model", model, "-q"], in: dir,
                                       environment: environment)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a.vtk")),
                       try Data(contentsOf: dir.appendingPathComponent("b.vtk")))
    }
}
