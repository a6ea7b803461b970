import Codec
import Foundation
import SafeOutput
import VTKFormat

/// What a webdataset export wrote.
public struct WebDatasetSummary: Sendable, Equatable {
    /// The shard files, in order.
    public var shards: [String]
    public var samples: Int
    /// Bytes of all shards together.
    public var bytes: Int
}

/// Writes the latents of many .vtk files as webdataset tar shards for training:
/// DIR/latents-000000.tar, latents-000001.tar, ... in input order (relative paths, byte order).
/// Each sample is two members, `KEY.latents.npy` (exactly the bytes of `vtkc latents X.vtk -o
/// X.npy`) then `KEY.json` (the .npy sidecar's dictionary plus "key" and "source"), where KEY is
/// the relative .vtk path without ".vtk" and every character outside [A-Za-z0-9_/-] replaced
/// by "_" (webdataset cuts a member name at the first dot of its base name). The tar files are
/// deterministic (`TarArchive`). A shard is closed before a sample that would make the file
/// larger than `shardSize` bytes (end blocks included); a larger sample gets a shard of its own.
/// Nothing is committed unless every input is read and written whole.
public final class WebDatasetWriter {
    /// The default `--shard-size`: 1 GB (10^9 bytes).
    public static let defaultShardSize = 1_000_000_000
    /// The shard file names' pattern, for the file with number `index`.
    public static func shardName(_ index: Int) -> String { String(format: "latents-%06d.tar", index) }

    public let directory: String
    public let shardSize: Int
    /// Replace the shards of an earlier export in `directory` (`-y`).
    public let overwrite: Bool

    public init(directory: String, shardSize: Int = defaultShardSize, overwrite: Bool = false) {
        self.directory = directory
        self.shardSize = shardSize
        self.overwrite = overwrite
    }

    /// A sample's key for the relative .vtk path `path`.
    public static func key(for path: String) -> String {
        let stem = path.lowercased().hasSuffix(".vtk") ? String(path.dropLast(4)) : path
        let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/-".unicodeScalars)
        return String(String.UnicodeScalarView(stem.unicodeScalars.map { kept.contains($0) ? $0 : "_" }))
    }

    /// Writes every entry (in order) as one sample; `progress` gets (samples done, samples).
    /// Throws before writing anything when two entries have one key or `directory` holds
    /// shards without `overwrite`; throws for an unreadable .vtk file (naming it), leaving no
    /// shard behind.
    public func write(_ entries: [CatalogEntry], progress: (Int, Int) -> Void = { _, _ in }) throws
        -> WebDatasetSummary {
        var keys: [String: String] = [:]
        for entry in entries {
            let key = Self.key(for: entry.relativePath)
            if let other = keys[key] {
                throw CodecError.invalidOption("\(other) and \(entry.path) both have the sample key '\(key)'; rename one")
            }
            keys[key] = entry.path
            _ = try TarArchive.split(key + ".latents.npy")
        }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw OutputError.io(path: directory, operation: "create the directory", reason: error.localizedDescription)
        }
        let old = existingShards()
        guard old.isEmpty || overwrite else { throw OutputError.exists(path: join(old[0])) }

        var shards: [(target: OutputTarget, file: StagedFile)] = []
        var shardBytes = 0
        for (n, entry) in entries.enumerated() {
            let sample = try Sample(entry)
            if shards.isEmpty || shardBytes > 0 && shardBytes + sample.bytes + TarArchive.end.count > shardSize {
                if let last = shards.last { try last.file.write(TarArchive.end); try last.file.close() }
                let target = try OutputTarget(path: join(Self.shardName(shards.count)), overwrite: overwrite)
                shards.append((target, try StagedFile(target)))
                shardBytes = 0
            }
            try sample.write(to: shards[shards.count - 1].file)
            shardBytes += sample.bytes
            progress(n + 1, entries.count)
        }
        if let last = shards.last { try last.file.write(TarArchive.end); try last.file.close() }
        var bytes = 0
        for shard in shards {
            try shard.target.commit()
            bytes += shard.target.committedBytes
        }
        for name in old where !(0..<shards.count).contains(where: { Self.shardName($0) == name }) {
            unlink(join(name))
        }
        return WebDatasetSummary(shards: shards.map(\.target.path), samples: entries.count, bytes: bytes)
    }

    /// The names of the latents-NNNNNN.tar files in `directory`, sorted.
    private func existingShards() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            name.hasPrefix("latents-") && name.hasSuffix(".tar")
                && name.dropFirst(8).dropLast(4).allSatisfy(\.isNumber) && name.count >= 18
        }.sorted()
    }

    private func join(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// One .vtk file as a sample: its two members' names, sizes and JSON.
    private struct Sample {
        let source: VTKFileSource
        let path: String
        let key: String
        let shape: [Int]
        let npyBytes: Int
        let json: [UInt8]

        init(_ entry: CatalogEntry) throws {
            path = entry.path
            key = WebDatasetWriter.key(for: entry.relativePath)
            do {
                source = try VTKFileSource(url: URL(fileURLWithPath: entry.path))
                let layout = try TileLayout(header: source.header, path: entry.path)
                shape = LatentExport.shape(source.header, layout: layout)
                let meta = LatentExport.sidecarValues(LatentExport.metadata(source.header, layout: layout), shape: shape)
                json = try LatentExport.sidecarJSON(meta.merging(["key": key, "source": entry.relativePath]) { $1 })
            } catch {
                throw CodecError.inconsistentFile(path: entry.path, detail: error.localizedDescription)
            }
            npyBytes = LatentExport.npyByteCount(shape: shape)
        }

        /// Bytes both members take in the tar file.
        var bytes: Int { TarArchive.memberBytes(size: npyBytes) + TarArchive.memberBytes(size: json.count) }

        func write(to file: StagedFile) throws {
            try file.write(TarArchive.header(name: key + ".latents.npy", size: npyBytes))
            var written = 0
            do {
                try LatentExport.writeNPY(source, shape: shape) { bytes in
                    try file.write(bytes)
                    written += bytes.count
                }
            } catch let error as OutputError {
                throw error
            } catch {
                throw CodecError.inconsistentFile(path: path, detail: error.localizedDescription)
            }
            guard written == npyBytes else {
                throw CodecError.inconsistentFile(path: path, detail: "latents are \(written) bytes, expected \(npyBytes)")
            }
            try file.write([UInt8](repeating: 0, count: TarArchive.padding(npyBytes)))
            try file.write(TarArchive.header(name: key + ".json", size: json.count))
            try file.write(json + [UInt8](repeating: 0, count: TarArchive.padding(json.count)))
        }
    }
}
