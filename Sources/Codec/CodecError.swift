import Foundation
import VideoIO
import VTKFormat

/// Errors of the compress / expand pipeline, each a one-line message a user can act on.
public enum CodecError: LocalizedError, Equatable, Sendable {
    /// An option value that cannot be used (overlap, batch, frame size ...).
    case invalidOption(String)
    /// The input has no decodable video frames.
    case noFrames(path: String)
    /// A frame's size differs from the stream's.
    case frameSizeChanged(path: String, frame: Int, expected: String, got: String)
    /// The .vtk file was made with other weights of the same shape (decodable when forced).
    case modelMismatch(String)
    /// The .vtk file was made for another clip or latent geometry (never decodable).
    case geometryMismatch(String)
    /// The .vtk file's contents disagree with themselves (e.g. fewer records than frames).
    case inconsistentFile(path: String, detail: String)
    /// A batch's inputs (files, directories, a list) hold no file with a video extension.
    case noVideoFiles(inputs: [String], extensions: String)
    /// The batch report's path holds a file that no earlier batch wrote.
    case notABatchReport(path: String, reason: String)
    /// A group of frames this large needs more memory than the limit (`GroupMemory`).
    case memoryLimit(path: String, frames: Int, size: String, needed: Int, limit: Int)
    /// A frame side outside `VTKHeader.frameSideRange` (compress refuses what expand could not write).
    case frameSizeOutOfRange(path: String, width: Int, height: Int)
    /// The decoder produced a value that is not a number (NaN latents or weights).
    case nonFiniteOutput(path: String, group: Int)

    public var errorDescription: String? {
        switch self {
        case .invalidOption(let detail):
            return "invalid option: \(detail)"
        case .noFrames(let path):
            return "\(path): no video frames to compress (the file has no decodable video stream "
                + "or zero frames)"
        case .frameSizeChanged(let path, let frame, let expected, let got):
            return "\(path): frame \(frame) is \(got) but the stream is \(expected); "
                + "re-encode the input at one frame size"
        case .modelMismatch(let detail), .geometryMismatch(let detail):
            return detail
        case .inconsistentFile(let path, let detail):
            return "\(path): \(detail)"
        case .noVideoFiles(let inputs, let extensions):
            return "no video files (\(extensions)) in \(inputs.joined(separator: ", "))"
        case .notABatchReport(let path, let reason):
            return "\(path) exists and is not a vtkc batch report (\(reason))"
        case .memoryLimit(let path, let frames, let size, let needed, let limit):
            return "\(path): a group of \(frames) frames of \(size) needs \(GroupMemory.describe(needed)) of "
                + "memory, over the limit of \(GroupMemory.describe(limit))"
        case .frameSizeOutOfRange(let path, let width, let height):
            return "\(path): " + VideoLimits.frameSizeProblem(width: width, height: height)
        case .nonFiniteOutput(let path, let group):
            return "\(path): group \(group) decodes to values that are not numbers (NaN); the latents "
                + "or the model's weights are corrupt"
        }
    }
}
