import Foundation

/// Turns the two `vtkc score` arguments into reference/distorted file pairs.
///
/// Two files make one pair. Two directories are paired by exact file name (`a/clip1.mp4` with
/// `b/clip1.mp4`; `clip1.mkv` does not match `clip1.mp4`), over the regular, non-hidden files
/// directly inside each; any file without a partner is an error, so a dataset is never scored
/// on a silent subset.
public enum ScoreInputs {
    /// The pairs to score, sorted by file name.
    public static func pairs(reference: URL, distorted: URL) throws -> [(reference: URL, distorted: URL)] {
        let refIsDir = try kind(of: reference), distIsDir = try kind(of: distorted)
        guard refIsDir == distIsDir else {
            throw ScoreError.mixedInputs(directory: (refIsDir ? reference : distorted).path,
                                         file: (refIsDir ? distorted : reference).path)
        }
        guard refIsDir else { return [(reference, distorted)] }
        let refNames = try files(in: reference), distNames = try files(in: distorted)
        let onlyRef = refNames.subtracting(distNames).sorted()
        let onlyDist = distNames.subtracting(refNames).sorted()
        if !onlyRef.isEmpty || !onlyDist.isEmpty {
            throw ScoreError.unmatchedFiles(reference: reference.path, onlyInReference: onlyRef,
                                            distorted: distorted.path, onlyInDistorted: onlyDist)
        }
        guard !refNames.isEmpty else { throw ScoreError.emptyDirectory(reference.path) }
        return refNames.sorted().map {
            (reference.appendingPathComponent($0), distorted.appendingPathComponent($0))
        }
    }

    /// True for a directory, false for a file; throws when nothing is there.
    private static func kind(of url: URL) throws -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ScoreError.notFound(url.path)
        }
        return isDirectory.boolValue
    }

    private static func files(in directory: URL) throws -> Set<String> {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return Set(names.filter { name in
            guard !name.hasPrefix(".") else { return false }
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        })
    }
}

/// Why two inputs cannot be scored against each other.
public enum ScoreError: LocalizedError, Equatable {
    case notFound(String)
    case mixedInputs(directory: String, file: String)
    case emptyDirectory(String)
    case unmatchedFiles(reference: String, onlyInReference: [String], distorted: String, onlyInDistorted: [String])
    case noFrames(String)
    case sizeMismatch(reference: String, referenceSize: String, distorted: String, distortedSize: String)
    case frameCountMismatch(reference: String, referenceFrames: String, distorted: String, distortedFrames: String)
    case tooFewFrames(path: String, frames: Int, requested: Int)
    case fvdNeedsClips(clips: Int)

    public var errorDescription: String? {
        switch self {
        case let .notFound(path):
            return "\(path): no such file or directory"
        case let .mixedInputs(directory, file):
            return "cannot compare directory \(directory) with file \(file): give two files or two directories"
        case let .emptyDirectory(path):
            return "\(path) holds no files to score"
        case let .unmatchedFiles(ref, onlyRef, dist, onlyDist):
            var parts: [String] = []
            if !onlyRef.isEmpty { parts.append("only in \(ref): \(Self.list(onlyRef))") }
            if !onlyDist.isEmpty { parts.append("only in \(dist): \(Self.list(onlyDist))") }
            return "directories do not pair up by file name (" + parts.joined(separator: "; ")
                + "); every file needs a partner of exactly the same name"
        case let .noFrames(path):
            return "\(path) has no video frames to score"
        case let .sizeMismatch(ref, refSize, dist, distSize):
            return "frame sizes differ: \(ref) is \(refSize), \(dist) is \(distSize); "
                + "pass --resize-to-ref to resize the distorted frames to the reference size"
        case let .frameCountMismatch(ref, refFrames, dist, distFrames):
            return "frame counts differ: \(ref) has \(refFrames) frames, \(dist) has \(distFrames); "
                + "pass --frames N to compare only the first N frames"
        case let .tooFewFrames(path, frames, requested):
            return "\(path) has only \(frames) frames, fewer than --frames \(requested)"
        case let .fvdNeedsClips(clips):
            return "rFVD needs at least \(FVDResult.minimumClips) complete 16-frame clips per side "
                + "(a covariance needs two samples), the inputs give \(clips); leave fvd out with "
                + "--metrics psnr,ssim,lpips"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ")
            : names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more"
    }
}
