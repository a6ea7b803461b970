import CFFmpeg
import Foundation

/// FFmpeg's own logging. VideoIO reports every failure through its errors, so FFmpeg's log is
/// silenced by default; set the environment variable VTKC_FFMPEG_LOG to one of quiet, error,
/// warning, info, verbose or debug to see it.
public enum FFmpegLog {
    private static let configured: Void = {
        let names: [String: Int32] = [
            "quiet": AV_LOG_QUIET, "error": AV_LOG_ERROR, "warning": AV_LOG_WARNING,
            "info": AV_LOG_INFO, "verbose": AV_LOG_VERBOSE, "debug": AV_LOG_DEBUG,
        ]
        let wanted = ProcessInfo.processInfo.environment["VTKC_FFMPEG_LOG"]?.lowercased()
        av_log_set_level(wanted.flatMap { names[$0] } ?? AV_LOG_QUIET)
    }()

    /// Applies the log level once per process; called by every reader and writer.
    static func configure() { _ = configured }
}
