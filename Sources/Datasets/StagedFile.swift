import Foundation
import SafeOutput

/// Sequential writes into an output target's staging file.
final class StagedFile {
    private let target: OutputTarget
    private let handle: FileHandle

    init(_ target: OutputTarget) throws {
        self.target = target
        do { handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target.stagingPath)) } catch {
            throw OutputError.io(path: target.displayName, operation: "open for writing", reason: error.localizedDescription)
        }
    }

    func write(_ bytes: [UInt8]) throws {
        do { try handle.write(contentsOf: bytes) } catch {
            throw OutputError.io(path: target.displayName, operation: "write", reason: error.localizedDescription)
        }
    }

    func close() throws {
        do { try handle.close() } catch {
            throw OutputError.io(path: target.displayName, operation: "close", reason: error.localizedDescription)
        }
    }
}
