import Foundation
import SafeTensors

/// The metric networks whose converted weights this package reads, each with the way to
/// (re)build its file, which every weights error of that network ends with.
enum MetricNetwork: Sendable {
    case lpips, i3d

    /// The name errors use.
    var title: String {
        switch self {
        case .lpips: "LPIPS"
        case .i3d: "I3D"
        }
    }

    /// How to rebuild the weights file `url`.
    func hint(_ url: URL) -> String {
        switch self {
        case .lpips: "reinstall it with `scripts/setup_weights.sh`"
        case .i3d: "rebuild them with `python scripts/fetch_i3d.py --force --out \(url.path)`"
            + " (or scripts/setup_weights.sh)"
        }
    }
}

/// The tensors of a metric network's weights file, read through the package's strict
/// `TensorStore` and handed out by name and shape as float32; names are kept verbatim. Every
/// failure is a `MetricsSafetensorsError` naming the network, the file and how to rebuild it.
struct MetricTensorFile {
    let url: URL
    let network: MetricNetwork
    /// The file's `__metadata__`.
    var metadata: [String: String] { store.metadata }
    private let store: TensorStore

    /// Opens `url` for `network`; with `format`, the metadata's "format" must equal it.
    init(url: URL, network: MetricNetwork, format: String? = nil) throws {
        self.url = url
        self.network = network
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MetricsSafetensorsError(network, file: url, "not found")
        }
        store = try MetricsSafetensorsError.translating(network, url) { try TensorStore(url: url) }
        if let format, store.metadata["format"] != format {
            throw MetricsSafetensorsError(network, file: url, "metadata lacks \"format\": \"\(format)\"")
        }
    }

    /// The tensor `name` as float32, which must have exactly `shape`; marks it as used.
    mutating func take(_ name: String, shape: [Int]) throws -> [Float] {
        try MetricsSafetensorsError.translating(network, url) { try store.takeFloats(name, shape: shape) }
    }

    /// Fails when the file holds tensors no layer took.
    func finish() throws {
        try MetricsSafetensorsError.translating(network, url) { try store.finish() }
    }
}

/// The I3D layers' name for their weights file.
typealias I3DTensorFile = MetricTensorFile
