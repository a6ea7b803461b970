import Codec
import Foundation
import Metrics
import VideoIO

extension DecodedFrames: ScoredFrames {
    public var frameWidth: Int { layout.width }
    public var frameHeight: Int { layout.height }
    public var announcedFrameCount: Int { header.frameCount }
}

/// The distorted-side opener of `vtkc score`: a `.vtk` file is decoded in memory by the
/// engine (the model is loaded once, on the first .vtk); any other file is a video.
final class ScoreOpener {
    private let modelOptions: ModelOptions
    private let memory: MemoryOptions
    private let forceModel: Bool
    private var expander: Expander?

    init(modelOptions: ModelOptions, memory: MemoryOptions, forceModel: Bool) {
        self.modelOptions = modelOptions
        self.memory = memory
        self.forceModel = forceModel
    }

    /// Whether `url` names a .vtk file (by its extension, case-insensitive).
    static func isVTK(_ url: URL) -> Bool { url.pathExtension.lowercased() == "vtk" }

    func open(_ url: URL) throws -> (frames: ScoredFrames, kind: DistortedKind) {
        guard Self.isVTK(url) else { return try VideoScorer.openVideo(url) }
        if expander == nil {
            let loaded = Expander(try IdentifiedModel(modelOptions.settings))
            loaded.forceModel = forceModel
            loaded.memory = memory.memory
            expander = loaded
        }
        return (try expander!.frames(try VTKFileSource(url: url), path: url.path), .vtk)
    }
}
