import Dispatch
import Foundation

/// Removes unfinished outputs when the process is interrupted. Every `OutputTarget` registers
/// its staging file here while it is open; on SIGINT or SIGTERM the registered files are
/// deleted and the process exits with 128 + the signal number (130 and 143), as shells
/// expect. SIGPIPE is ignored, so that writing to a closed pipe is an error the command
/// reports (and cleans up after) instead of a silent death.
public enum InterruptCleanup {
    /// Installs the handlers (once; later calls do nothing).
    public static func install() {
        state.lock.withLock {
            guard state.sources.isEmpty else { return }
            signal(SIGPIPE, SIG_IGN)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { interrupted(by: number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Deletes every registered file and ends the process.
    private static func interrupted(by number: Int32) -> Never {
        let paths = state.lock.withLock { Array(state.paths) }
        for path in paths { unlink(path) }
        _exit(128 + number)
    }

    static func register(_ path: String) {
        _ = state.lock.withLock { state.paths.insert(path) }
    }

    static func unregister(_ path: String) {
        _ = state.lock.withLock { state.paths.remove(path) }
    }

    /// The registered staging files (for tests).
    static var registered: Set<String> { state.lock.withLock { state.paths } }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var paths: Set<String> = []
        var sources: [DispatchSourceSignal] = []
    }

    private static let state = State()
}
