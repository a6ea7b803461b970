import Foundation

/// Runs independent pieces of metric work on up to `threads` threads.
enum MetricsParallel {
    /// Calls `body(i)` for every `i` in `0..<count`, spread over at most `threads` threads.
    /// `body` must only write to memory that no other index touches.
    static func forEach(count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count {
                body(i)
                i += workers
            }
        }
    }
}

extension MetricsParallel {
    /// `(first(), second())`, run at the same time when `threads` allows. Used for the two
    /// sides of a comparison, each computed exactly as it would be alone.
    static func both<T: Sendable>(threads: Int, _ first: @Sendable () throws -> T,
                                  _ second: @Sendable () throws -> T) throws -> (T, T) {
        guard threads > 1 else { return (try first(), try second()) }
        let results = ResultPair<T>()
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            let result = Result { try (side == 0 ? first : second)() }
            results.set(side, result)
        }
        return try results.values()
    }
}

/// The two results of `MetricsParallel.both`, written by two workers.
private final class ResultPair<T: Sendable>: @unchecked Sendable {
    private var slots: [Result<T, Error>?] = [nil, nil]
    private let lock = NSLock()

    func set(_ side: Int, _ result: Result<T, Error>) { lock.withLock { slots[side] = result } }

    func values() throws -> (T, T) {
        try lock.withLock { (try slots[0]!.get(), try slots[1]!.get()) }
    }
}

/// A raw buffer handed to parallel workers that each write a disjoint part of it.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int
}
