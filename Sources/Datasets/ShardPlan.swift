import Codec
import Foundation

/// One of N disjoint parts of a batch (`--shard K/N`), so that N independent tasks (a SLURM
/// array, Ray workers) cover every input exactly once. K is 0-based, as
/// `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` with `--array=0-(N-1)` gives it.
///
/// Input i belongs to shard K iff the first 8 bytes of the SHA-256 of its relative output path
/// (UTF-8), read as a big-endian UInt64, modulo N equal K. The assignment depends only on the
/// input's own name: adding or removing inputs moves no other input to another shard.
public struct ShardPlan: Sendable, Equatable, CustomStringConvertible {
    /// K, in 0..<count.
    public let index: Int
    /// N, at least 1.
    public let count: Int

    /// Shard `index` of `count`; throws `CodecError.invalidOption` unless 0 <= index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw CodecError.invalidOption(
                "shard \(index)/\(count): need N >= 1 and K in 0..<N (0-based, e.g. 0/4 ... 3/4)")
        }
        self.index = index
        self.count = count
    }

    /// Parses "K/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw CodecError.invalidOption("shard '\(text)' is not K/N (e.g. 0/4)")
        }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard (0..<count) an input with the relative output path `name` belongs to.
    public static func shard(of name: String, count: Int) -> Int {
        precondition(count >= 1)
        let digest = WeightDigest.sha256(bytes: Array(name.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count))
    }

    /// Whether the input with relative output path `name` is in this shard.
    public func contains(_ name: String) -> Bool { Self.shard(of: name, count: count) == index }
}
