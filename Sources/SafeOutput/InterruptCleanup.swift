import Dispatch
import Foundation

/// Removes unfinished outputs when the process is interrupted. Every `OutputTarget` registers
/// its staging file here while it is open; on SIGINT, SIGTERM or any other signal that would
/// end the process (`terminatingSignals`) the registered files are deleted and the process
/// exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as shells expect.
/// SIGPIPE is ignored, so that writing to a closed pipe is an error the command reports (and
/// cleans up after, `StandardStreams`) instead of a silent death.
public enum InterruptCleanup {
    /// Installs the handlers (once; later calls do nothing).
    public static func install() {
        state.lock.withLock {
            guard state.sources.isEmpty else { return }
            signal(SIGPIPE, SIG_IGN)
            for number in terminatingSignals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { interrupted(by: number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// The signals whose default action ends the process (SIGPIPE aside, which is ignored):
    /// any of them removes the staging files first, so a job scheduler's SIGHUP, SIGUSR1 or
    /// SIGXCPU (Slurm, Ray, shells closing) leaves nothing partial either.
    public static let terminatingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
                                                      SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGPOLL]

    /// Deletes every registered file and ends the process.
    private static func interrupted(by number: Int32) -> Never {
        exitAfterCleanup(status: 128 + number)
    }

    /// Deletes every registered staging file and ends the process with `status` at once (no
    /// deinitializers run, so nothing is committed on the way out).
    public static func exitAfterCleanup(status: Int32) -> Never {
        let paths = state.lock.withLock { Array(state.paths) }
        for path in paths { unlink(path) }
        _exit(status)
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
