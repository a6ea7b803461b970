import Foundation

/// The tensors of a network's weights (one safetensors file or several shards), handed out by
/// name and shape: the one strict loader every network of this package uses.
///
/// `take` fails on a missing or wrong-shaped tensor, `finish()` on any tensor nobody took, so
/// a file that does not match the code reading it is an error instead of a silent mismatch.
/// Every failure is a `SafeTensorsError`; each domain wraps it in its own error with a hint.
public final class TensorStore {
    /// The files, in the order given (shards sorted by name when opened from a directory).
    public let files: [SafeTensorsFile]
    private var entries: [String: TensorEntry] = [:]
    private var taken: Set<String> = []

    /// The `__metadata__` of the first file (empty when absent).
    public var metadata: [String: String] { files.first?.metadata ?? [:] }
    /// The names of all tensors, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// A store over already opened `files`; throws `.duplicateTensor` when two share a name.
    public init(files: [SafeTensorsFile]) throws {
        self.files = files
        for file in files {
            for (name, entry) in file.tensors {
                if let earlier = entries[name] {
                    throw SafeTensorsError(.duplicateTensor, file: file.url, tensor: name,
                                           "also stored in \(earlier.url.lastPathComponent)")
                }
                entries[name] = entry
            }
        }
    }

    /// Opens `url`: a .safetensors file, or a directory whose *.safetensors files are shards.
    public convenience init(url: URL) throws {
        try self.init(files: try Self.shardURLs(url).map { try SafeTensorsFile(url: $0) })
    }

    /// The weight files at `url`: `url` itself when it is a file, else the *.safetensors files
    /// of the directory sorted by name. Throws `.io` when there is nothing to read.
    public static func shardURLs(_ url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw SafeTensorsError(.io, file: url, "no such file or directory")
        }
        guard isDirectory.boolValue else { return [url] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        } catch {
            throw SafeTensorsError(.io, file: url, "cannot list the directory")
        }
        let files = names.filter { $0.hasSuffix(".safetensors") }.sorted()
            .map { url.appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw SafeTensorsError(.io, file: url, "directory holds no .safetensors shards")
        }
        return files
    }

    /// Tensor `name`, which must have exactly `shape`, in its stored dtype; marks it as taken.
    public func take(_ name: String, shape: [Int]) throws -> TensorEntry {
        guard let entry = entries[name] else {
            throw SafeTensorsError(.missingTensor, file: files.first?.url ?? URL(fileURLWithPath: "weights"),
                                   tensor: name, "missing (expected shape \(shape))")
        }
        guard entry.shape == shape else {
            throw SafeTensorsError(.shapeMismatch, file: entry.url, tensor: name,
                                   "shape \(entry.shape), expected \(shape)")
        }
        taken.insert(name)
        return entry
    }

    /// Tensor `name` of exactly `shape` as float32 values (F32, F16 or BF16; I8 needs scales
    /// and throws `.unsupportedDtype`); marks it as taken.
    public func takeFloats(_ name: String, shape: [Int]) throws -> [Float] {
        try take(name, shape: shape).floats()
    }

    /// The per-row scales of the I8 matrix `weight` (rows, columns): the float tensor
    /// `<name>_scale` of shape [rows], so that value[r][c] = q[r][c] * scale[r]; marks it as
    /// taken. Throws `.missingTensor` when it is absent or itself I8.
    public func takeRowScales(of weight: TensorEntry) throws -> TensorEntry {
        guard weight.dtype == .i8, weight.shape.count == 2 else {
            throw SafeTensorsError(.unsupportedDtype, file: weight.url, tensor: weight.name,
                                   "row scales belong to two-dimensional I8 tensors")
        }
        let name = weight.name + "_scale", rows = weight.shape[0]
        guard let scales = entries[name], scales.dtype != .i8 else {
            throw SafeTensorsError(.missingTensor, file: weight.url, tensor: name,
                                   "I8 weight '\(weight.name)' needs a float scale tensor of shape [\(rows)]")
        }
        return try take(scales.name, shape: [rows])
    }

    /// Throws `.unusedTensor` naming the first (by name) of the tensors nobody took.
    public func finish() throws {
        let unused = entries.keys.filter { !taken.contains($0) }.sorted()
        guard let first = unused.first, let entry = entries[first] else { return }
        let more = unused.count > 1 ? " (and \(unused.count - 1) more)" : ""
        throw SafeTensorsError(.unusedTensor, file: entry.url, tensor: first,
                               "not used by this model\(more)")
    }
}
