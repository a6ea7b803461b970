import Foundation
import SafeTensors

/// A weights file that is not what the metric networks expect.
public enum MetricsSafetensorsError: LocalizedError, Equatable {
    /// The file (path) is unreadable or not valid safetensors (why).
    case malformed(String, String)
    /// The file (path) lacks a tensor (name).
    case missingTensor(String, String)
    /// A tensor of the file has the wrong shape.
    case wrongShape(String, String, expected: [Int], found: [Int])

    public var errorDescription: String? {
        let fix = "; reinstall it with `scripts/setup_weights.sh`"
        switch self {
        case let .malformed(path, why): return "\(path) is not a valid safetensors file: \(why)" + fix
        case let .missingTensor(path, name): return "\(path) lacks tensor \(name)" + fix
        case let .wrongShape(path, name, expected, found):
            return "\(path): tensor \(name) has shape \(found), expected \(expected)" + fix
        }
    }

    /// Runs `body`, turning a `SafeTensorsError` it throws about `url` into `.malformed`.
    static func translating<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SafeTensorsError {
            let why = error.tensor.map { "tensor \($0): \(error.detail)" } ?? error.detail
            throw MetricsSafetensorsError.malformed(url.path, why)
        }
    }
}
