import Foundation
import SafeOutput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error (frames done / total, speed, time left), drawn
/// only when standard error is a terminal and the user did not ask for quiet.
final class ProgressBar {
    /// The text before the bar (it may change between updates).
    var label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Redraws the bar (at most ten times a second, and always for the last frame).
    func update(done: Int, total: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || (total > 0 && done >= total) else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\r\(label) "
        if total > 0 {
            let width = 24
            let filled = min(width, done * width / total)
            line += "[" + String(repeating: "=", count: filled)
                + String(repeating: " ", count: width - filled) + "] "
            line += "\(done)/\(total) frames"
        } else {
            line += "\(done) frames"
        }
        line += String(format: "  %.2f fps", fps)
        if total > done, fps > 0 { line += "  ETA " + Self.clock(Double(total - done) / fps) }
        StandardStreams.writeError(line + "\u{1B}[K")
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled, lastDraw != .distantPast else { return }
        StandardStreams.writeError("\n")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }
}
