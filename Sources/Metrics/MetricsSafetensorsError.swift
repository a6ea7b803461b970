import Foundation
import SafeTensors

/// A metric network's weights file that is not what the network expects: unreadable, not
/// valid safetensors, or with missing, unused or wrong-shaped tensors. The message names the
/// network, the file, the tensor and the cause, and says how to rebuild the file.
public struct MetricsSafetensorsError: LocalizedError, Equatable, Sendable {
    /// The class of problem, when the safetensors reader found it (nil for the network's own
    /// checks, such as a missing file or the wrong "format" metadata).
    public let kind: SafeTensorsError.Kind?
    /// The whole one-line message, hint included.
    public let message: String

    /// An error of `network`'s weights `file` with the cause `detail`.
    init(_ network: MetricNetwork, file: URL, kind: SafeTensorsError.Kind? = nil, _ detail: String) {
        self.kind = kind
        message = "\(network.title) weights \(file.path): \(detail); \(network.hint(file))"
    }

    /// The reader's `error` about `network`'s weights `file`, with the network's hint.
    init(_ network: MetricNetwork, file: URL, _ error: SafeTensorsError) {
        let place = error.tensor.map { "tensor '\($0)': " } ?? ""
        self.init(network, file: file, kind: error.kind, place + error.detail)
    }

    public var errorDescription: String? { message }

    /// Runs `body`, turning a `SafeTensorsError` it throws about `network`'s `url` into this error.
    static func translating<T>(_ network: MetricNetwork, _ url: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SafeTensorsError {
            throw MetricsSafetensorsError(network, file: url, error)
        }
    }
}
