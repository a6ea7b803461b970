import Foundation

/// Turns the two `vtkc score` arguments into reference/distorted file pairs.
///
/// Two files make one pair. Two directories are paired over the regular, non-hidden files
/// directly inside each: by exact file name first (`a/clip1.mp4` with `b/clip1.mp4`), then the
/// rest by stem, the name without its last extension (`a/clip1.mp4` with `b/clip1.vtk` or
/// `b/clip1.mkv`: a folder of .vtk files against the folder of videos they came from). A stem
/// shared by several unpaired files on one side is an error, and so is any file without a
/// partner, so a dataset is never scored on a silent subset or a guessed pairing.
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
        var named = Dictionary(uniqueKeysWithValues: refNames.intersection(distNames).map { ($0, $0) })
        var onlyRef = refNames.subtracting(distNames), onlyDist = distNames.subtracting(refNames)
        let refStems = Dictionary(grouping: onlyRef, by: stem), distStems = Dictionary(grouping: onlyDist, by: stem)
        for (key, refs) in refStems.sorted(by: { $0.key < $1.key }) {
            guard let dists = distStems[key] else { continue }
            guard refs.count == 1, dists.count == 1 else {
                throw ScoreError.ambiguousStem(key, reference: refs.sorted(), distorted: dists.sorted())
            }
            named[refs[0]] = dists[0]
            onlyRef.remove(refs[0])
            onlyDist.remove(dists[0])
        }
        if !onlyRef.isEmpty || !onlyDist.isEmpty {
            throw ScoreError.unmatchedFiles(reference: reference.path, onlyInReference: onlyRef.sorted(),
                                            distorted: distorted.path, onlyInDistorted: onlyDist.sorted())
        }
        guard !refNames.isEmpty else { throw ScoreError.emptyDirectory(reference.path) }
        return named.keys.sorted().map {
            (reference.appendingPathComponent($0), distorted.appendingPathComponent(named[$0]!))
        }
    }

    /// The name without its last extension (`clip1.tar.gz` -> `clip1.tar`; `clip1` stays).
    static func stem(_ name: String) -> String {
        (name as NSString).deletingPathExtension
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
    case ambiguousStem(String, reference: [String], distorted: [String])
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
                + "); every file needs a partner of the same name or the same stem"
        case let .ambiguousStem(stem, refs, dists):
            return "files of stem \(stem) do not pair up one to one (reference: \(Self.list(refs)); "
                + "distorted: \(Self.list(dists))); rename them or give them the same full names"
        case let .noFrames(path):
            return "\(path) has no video frames to score"
        case let .sizeMismatch(ref, refSize, dist, distSize):
            return "frame sizes differ: \(ref) is \(refSize), \(dist) is \(distSize)"
        case let .frameCountMismatch(ref, refFrames, dist, distFrames):
            return "frame counts differ: \(ref) has \(refFrames) frames, \(dist) has \(distFrames)"
        case let .tooFewFrames(path, frames, requested):
            return "\(path) has only \(frames) frames, fewer than the \(requested) to compare"
        case let .fvdNeedsClips(clips):
            return "rFVD needs at least \(FVDResult.minimumClips) complete 16-frame clips per side "
                + "(a covariance needs two samples), the inputs give \(clips)"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ")
            : names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more"
    }
}
