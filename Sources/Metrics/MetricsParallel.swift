import Dispatch

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

/// A raw buffer handed to parallel workers that each write a disjoint part of it.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int
}
