import Foundation
import Testing
@testable import Metrics

@Suite struct MetricWeightsTests {
    @Test func missingWeightsErrorNamesTheSetupScript() {
        let error = MetricWeightsError.missing(metric: "LPIPS", path: "/nowhere/x.safetensors")
        let text = error.localizedDescription
        #expect(text.contains("scripts/setup_weights.sh"))
        #expect(text.contains("/nowhere/x.safetensors"))
    }

    @Test func defaultDirectoryIsTheRepositoryWeightsFolder() {
        guard ProcessInfo.processInfo.environment["VTKC_WEIGHTS_DIR"] == nil else { return }
        let dir = MetricWeights.directory()
        #expect(dir.lastPathComponent == "weights")
        let package = dir.deletingLastPathComponent().appendingPathComponent("Package.swift")
        #expect(FileManager.default.fileExists(atPath: package.path))
    }
}
