import Foundation
import Installation
import SafeTensors

/// The tensors of one ViTok model, from a single safetensors file or a directory of shards,
/// read through the package's strict `TensorStore`: `take` fails on a missing or wrong-shaped
/// tensor, `finishLoading` on any tensor nobody took. Adds the ViTok rules on top: every file
/// carries the same `vitok_config`, and I8 storage is only for Linear weights.
final class WeightStore {
    /// The weight files, sorted by name.
    let files: [URL]
    /// The model config every file agrees on.
    let config: ViTokConfig
    /// The metadata of the first file.
    let metadata: [String: String]
    /// Threads that convert and expand the tensors taken (the values do not depend on it).
    let threads: Int
    private let tensors: TensorStore

    /// Opens `url`: a .safetensors file, or a directory whose *.safetensors files are shards,
    /// to convert its tensors on `threads` threads.
    init(url: URL, threads: Int = Cores.available) throws {
        self.threads = max(1, threads)
        files = try ViTokError.translating { try TensorStore.shardURLs(url) }
        var opened: [SafeTensorsFile] = []
        var config: ViTokConfig?
        for fileURL in files {
            let file = try ViTokError.translating { try SafeTensorsFile(url: fileURL) }
            let fileConfig = try Self.config(of: file)
            if let config, config != fileConfig {
                throw ViTokError(.invalidConfig, file: fileURL,
                                 "vitok_config differs from that of \(files[0].lastPathComponent)")
            }
            config = fileConfig
            opened.append(file)
        }
        tensors = try ViTokError.translating { try TensorStore(files: opened) }
        self.config = config!
        metadata = tensors.metadata
    }

    private static func config(of file: SafeTensorsFile) throws -> ViTokConfig {
        guard let json = file.metadata["vitok_config"] else {
            throw ViTokError(.missingConfig, file: file.url,
                             "no \"vitok_config\" in the safetensors metadata; not a ViTok weights file")
        }
        do {
            return try ViTokConfig.parse(json: json)
        } catch let problem as ConfigProblem {
            throw ViTokError(.invalidConfig, file: file.url, problem.detail)
        }
    }

    /// The float32 values of tensor `name`, which must have exactly `shape`. A 2-D weight
    /// stored as I8 is dequantized with its companion `<name>_scale` (one scale per row).
    func take(_ name: String, shape: [Int]) throws -> FloatTensor {
        switch try takeMatrix(name, shape: shape) {
        case .int8(let rows): return try FloatTensor(expanding: rows, threads: threads)
        case .float(let tensor): return tensor
        case .expanded: preconditionFailure("takeMatrix never returns expanded weights")
        }
    }

    /// Tensor `name` of exactly `shape` as a Linear weight: float32 (viewed or converted), or
    /// for I8 storage the int8 rows and their `<name>_scale`, left compressed.
    func takeMatrix(_ name: String, shape: [Int]) throws -> LinearWeight {
        let entry = try ViTokError.translating { try tensors.take(name, shape: shape) }
        guard entry.dtype == .i8 else { return .float(try FloatTensor(entry, threads: threads)) }
        guard shape.count == 2, name.hasSuffix(".weight") else {
            throw ViTokError(.unsupportedDtype, file: entry.url, tensor: name,
                             "I8 is only allowed for Linear weights (with a weight_scale)")
        }
        let scales = try ViTokError.translating { try tensors.takeRowScales(of: entry) }
        return .int8(Int8Rows(entry, rowScales: try FloatTensor(scales, threads: threads)))
    }

    /// Throws when the file holds tensors that no `take` asked for.
    func finishLoading() throws {
        try ViTokError.translating { try tensors.finish() }
    }
}
