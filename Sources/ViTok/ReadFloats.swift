import Foundation
import SafeTensors

/// Reading whole float tensors from a safetensors file, for tools and tests.
public enum SafeTensors {
    /// Every tensor of the file at `url` as float32 values with its shape. Throws a
    /// `ViTokError` on malformed files and on I8 tensors (which need a scale).
    public static func readFloats(_ url: URL) throws -> [String: (shape: [Int], values: [Float])] {
        try ViTokError.translating { try SafeTensorsFile.readFloats(url) }
    }
}

extension ViTokError {
    /// The same problem, reported as a `ViTokError` of the matching kind.
    init(_ error: SafeTensorsError) {
        let kind: Kind = switch error.kind {
        case .io: .io
        case .malformedFile: .malformedFile
        case .unsupportedDtype: .unsupportedDtype
        }
        self.init(kind, file: error.file, tensor: error.tensor, error.detail)
    }

    /// Runs `body`, turning a `SafeTensorsError` it throws into a `ViTokError`.
    static func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SafeTensorsError {
            throw ViTokError(error)
        }
    }
}
