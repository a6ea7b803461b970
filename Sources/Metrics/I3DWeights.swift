import Foundation
import SafeTensors

/// Errors of loading the I3D network's weights.
public struct I3DError: LocalizedError, Sendable {
    /// What went wrong, with the file and a hint on how to fix it.
    public let message: String

    public var errorDescription: String? { message }

    static func file(_ url: URL, _ detail: String) -> I3DError {
        I3DError(message: "I3D weights \(url.path): \(detail); rebuild them with "
                 + "`python scripts/fetch_i3d.py --force --out \(url.path)`")
    }

    static func file(_ url: URL, _ error: SafeTensorsError) -> I3DError {
        file(url, error.tensor.map { "tensor \($0): \(error.detail)" } ?? error.detail)
    }
}

/// The tensors of an I3D safetensors file (as written by scripts/fetch_i3d.py), read through the
/// shared `SafeTensorsFile` reader and handed out by name and shape; names are kept verbatim.
struct I3DTensorFile {
    let url: URL
    let metadata: [String: String]
    private let file: SafeTensorsFile
    private var used: Set<String> = []

    init(url: URL) throws {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw I3DError(message: "I3D weights not found at \(url.path); create them with "
                           + "`python scripts/fetch_i3d.py --out \(url.path)` (or scripts/setup_weights.sh)")
        }
        do {
            file = try SafeTensorsFile(url: url)
        } catch let error as SafeTensorsError {
            throw I3DError.file(url, error)
        }
        guard file.metadata["format"] == "i3d-kinetics400" else {
            throw I3DError.file(url, "metadata lacks \"format\": \"i3d-kinetics400\"")
        }
        metadata = file.metadata
    }

    /// The tensor `name`, which must have exactly `shape`; marks it as used.
    mutating func take(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = file.tensors[name] else { throw I3DError.file(url, "tensor \(name) is missing") }
        guard tensor.shape == shape else {
            throw I3DError.file(url, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        used.insert(name)
        do {
            return try tensor.floats()
        } catch let error as SafeTensorsError {
            throw I3DError.file(url, error)
        }
    }

    /// Fails when the file holds tensors no layer took.
    func checkAllUsed() throws {
        let unused = Set(file.tensors.keys).subtracting(used).sorted()
        if !unused.isEmpty {
            throw I3DError.file(url, "unexpected tensors \(unused.prefix(5).joined(separator: ", "))")
        }
    }
}
