import Foundation
import SafeTensors

/// Everything that can go wrong while loading ViTok weights. The message names the file, the
/// tensor (where there is one) and the cause, so a user can act on it (the `FileError` shape).
public struct ViTokError: TensorFileError, Equatable, Sendable {
    /// What class of problem was found.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case io
        /// The bytes are not a valid safetensors file (truncated, bad header, bad offsets).
        case malformedFile
        /// A tensor uses a dtype the engine does not read.
        case unsupportedDtype
        /// The metadata has no `vitok_config`.
        case missingConfig
        /// The `vitok_config` is not valid JSON, lacks keys, or describes an impossible model.
        case invalidConfig
        /// A tensor the model needs is absent.
        case missingTensor
        /// A tensor in the file is not used by the model.
        case unusedTensor
        /// A tensor has the wrong shape.
        case shapeMismatch
        /// Two shards hold the same tensor.
        case duplicateTensor
        /// Memory for converted weights could not be allocated.
        case outOfMemory
        /// The requested compute precision cannot run here (the int8 library failed).
        case unsupportedPrecision
    }

    /// The class of problem.
    public let kind: Kind
    /// The file concerned; nil when the problem is with the weights as a whole.
    public let file: URL?
    /// The tensor concerned, if any.
    public let tensor: String?
    /// The cause, without the file or tensor name.
    public let detail: String

    /// Creates an error of `kind` for `file` (and `tensor`, if any) with the cause `detail`.
    public init(_ kind: Kind, file: URL?, tensor: String? = nil, _ detail: String) {
        self.kind = kind
        self.file = file
        self.tensor = tensor
        self.detail = detail
    }

    /// The file's name, or "weights" when there is no one file.
    public var fileLabel: String { file?.lastPathComponent ?? "weights" }
}

extension ViTokError {
    /// The same problem, reported as a `ViTokError` of the matching kind, with the ViTok
    /// hint where there is one (an unused tensor means the file does not match its config).
    init(_ error: SafeTensorsError) {
        let kind: Kind = switch error.kind {
        case .io: .io
        case .malformedFile: .malformedFile
        case .unsupportedDtype: .unsupportedDtype
        case .missingTensor: .missingTensor
        case .shapeMismatch: .shapeMismatch
        case .unusedTensor: .unusedTensor
        case .duplicateTensor: .duplicateTensor
        }
        let hint = kind == .unusedTensor ? "; the file does not match its vitok_config" : ""
        self.init(kind, file: error.file, tensor: error.tensor, error.detail + hint)
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
