import Foundation

/// A safetensors file that cannot be read, is not valid, or does not hold the tensors a loader
/// asks for. The message names the file, the tensor (where there is one) and the cause; each
/// domain (ViTok, the metric networks) wraps it in its own error that adds how to fix it.
public struct SafeTensorsError: TensorFileError, Equatable, Sendable {
    /// What class of problem was found.
    public enum Kind: String, Sendable {
        /// The file could not be opened, examined or mapped.
        case io
        /// The bytes are not a valid safetensors file (truncated, bad header, bad offsets).
        case malformedFile
        /// A tensor uses a dtype this reader does not convert (or I8 read without a scale).
        case unsupportedDtype
        /// A tensor a loader asked `TensorStore` for is absent.
        case missingTensor
        /// A tensor has another shape than the loader asked for.
        case shapeMismatch
        /// A tensor in the files was not taken by the loader (`TensorStore.finish()`).
        case unusedTensor
        /// Two shards hold a tensor of the same name.
        case duplicateTensor
    }

    /// The class of problem.
    public let kind: Kind
    /// The file concerned.
    public let file: URL
    /// The tensor concerned, if any.
    public let tensor: String?
    /// The cause, without the file or tensor name.
    public let detail: String

    /// Creates an error of `kind` for `file` (and `tensor`, if any) with the cause `detail`.
    public init(_ kind: Kind, file: URL, tensor: String? = nil, _ detail: String) {
        self.kind = kind
        self.file = file
        self.tensor = tensor
        self.detail = detail
    }

    public var fileLabel: String { file.lastPathComponent }
}
