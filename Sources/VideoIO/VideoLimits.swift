import Foundation
#if canImport(SafeInput)
import SafeInput  // scripts/fuzz.sh compiles its sources into this module
#endif

/// The frame sizes vtkc reads and writes: what its H.264 and FFV1 writers accept. The .vtk
/// format declares the same limit (`VTKHeader.frameSideRange`), so compress refuses what
/// expand could not write, with this message.
public enum VideoLimits {
    /// Width and height, in pixels.
    public static let frameSideRange = 1...16384

    /// The one message for a frame outside the range.
    public static func frameSizeProblem(width: Int, height: Int) -> String {
        "frame size \(width)x\(height) is outside \(frameSideRange.lowerBound)...\(frameSideRange.upperBound) "
            + "per side (the largest frame vtkc writes back)"
    }

    /// The W and H a YUV4MPEG2 file's header line declares, when the file is one.
    static func declaredY4MSize(_ path: String) -> (Int, Int)? {
        guard let head = try? InputFile.read(path, upTo: 256),
              let line = String(decoding: head, as: UTF8.self).split(separator: "\n").first,
              line.hasPrefix("YUV4MPEG2 ") else { return nil }
        var width: Int?, height: Int?
        for field in line.split(separator: " ") {
            if field.hasPrefix("W") { width = Int(field.dropFirst()) }
            if field.hasPrefix("H") { height = Int(field.dropFirst()) }
        }
        guard let width, let height else { return nil }
        return (width, height)
    }
}
