import Foundation
import SafeOutput
import VideoIO
import VTKFormat

// The codec's three jobs as one call each: an input, an output target and options in, a
// summary out. The command-line front end parses options, calls one of these and prints.

extension Compressor {
    /// Compresses the video `input` (a file, or standard input for streamable formats) into a
    /// .vtk file at `target` (committed on success), resizing and cropping its frames first as
    /// `preprocessing` says.
    public func compress(_ input: VideoInput, to target: OutputTarget) throws -> RunSummary {
        let reader = try VideoReader(input: input, scaling: preprocessing.scaling)
        let geometry = ClipGeometry(model.config)
        let frames = preprocessing.frames(of: reader, tileWidth: geometry.tileWidth, tileHeight: geometry.tileHeight)
        reader.notice = { [weak self] in self?.notice?($0) }
        let sink = VTKFileSink(target: target)
        var summary = try compress(frames, path: input.name, into: sink)
        summary.bytes = sink.fileBytes
        return summary
    }
}

extension Expander {
    /// Expands the .vtk file at `input` into a video at `target` (committed on success): H.264
    /// MP4 or FFV1 Matroska as `options.container` says, with the source's display rotation
    /// (`options.rotation` is replaced by the stored one). A stored audio track MP4 cannot hold
    /// is dropped with a `notice` (compress stores only tracks MP4 holds; Matroska holds them all).
    public func expand(file input: URL, to target: OutputTarget, options: VideoWriter.Options,
                       notice: (String) -> Void = { _ in }) throws -> RunSummary {
        let source = try VTKFileSource(url: input)
        let header = source.header
        let layout = try prepare(header, path: input.path)
        let audio = AudioTrack.keptInMP4(try source.audioTrack(), notice: notice)
        var options = options
        options.rotation = try Self.displayRotation(header, path: input.path)
        if options.rotation != 0, options.container != .mp4 {
            // FFmpeg 5.1's Matroska muxer writes no display matrix (6.1's does).
            notice("\(target.displayName) cannot record the source's \(options.rotation)-degree display rotation "
                   + "(FFmpeg 5.1 writes none into Matroska); write .mp4 to keep it")
        }
        let writer = try VideoWriter(
            url: URL(fileURLWithPath: target.stagingPath), width: header.width, height: header.height,
            frameRate: Rational(num: header.frameRate.num, den: header.frameRate.den),
            options: options, audio: audio, name: target.displayName)
        var summary = try expand(source, layout: layout, path: input.path, into: writer)
        try target.commit()
        summary.audio = audio != nil
        return summary
    }
}

extension Expander {
    /// The source's display rotation that `compress` kept in the metadata ("rotation"), which
    /// expand writes back as a display matrix so that a phone clip plays upright as it did;
    /// 0 when absent. Throws for any value other than 90, 180 or 270.
    static func displayRotation(_ header: VTKHeader, path: String) throws -> Int {
        guard let text = header.metadata["rotation"] else { return 0 }
        guard let degrees = Int(text), [90, 180, 270].contains(degrees) else {
            throw CodecError.inconsistentFile(path: path, detail: "metadata rotation is not 90, 180 or 270 degrees")
        }
        return degrees
    }
}

/// Decodes a video and writes every frame with the project's H.264 writer: the classic-codec
/// baseline the tokenizer is measured against. Audio is dropped.
public enum Transcoder {
    /// Transcodes `input` into `target` (committed on success); `progress` gets (frames done,
    /// frames expected); `notice` gets one-line warnings (a variable frame rate).
    public static func transcode(file input: URL, to target: OutputTarget, options: VideoWriter.Options,
                                 progress: (Int, Int) -> Void = { _, _ in },
                                 notice: (String) -> Void = { _ in }) throws -> RunSummary {
        let reader = try VideoReader(url: input)
        let info = reader.info
        if let warning = info.variableRateWarning(path: input.path) { notice(warning) }
        guard let first = try reader.nextFrame() else { throw CodecError.noFrames(path: input.path) }
        let (width, height) = (first.width, first.height)
        let writer = try VideoWriter(url: URL(fileURLWithPath: target.stagingPath), width: width,
                                     height: height, frameRate: info.frameRate, options: options,
                                     name: target.displayName)
        var frame: RGBFrame? = first
        var count = 0
        while let current = frame {
            guard current.width == width, current.height == height else {
                throw CodecError.frameSizeChanged(path: input.path, frame: count, expected: "\(width)x\(height)",
                                                  got: "\(current.width)x\(current.height)")
            }
            try writer.write(current)
            count += 1
            progress(count, max(info.frameCount, count))
            frame = try reader.nextFrame()
        }
        try writer.finish()
        try target.commit()
        let rate = info.frameRate.reduced
        return RunSummary(frames: count, width: width, height: height,
                                frameRate: "\(rate.num)/\(rate.den)", bytes: target.committedBytes)
    }
}

extension AudioTrack {
    /// `track` when MP4 can hold it; nil (with a notice) when it cannot, since expand writes MP4.
    /// The one place that decides which audio survives.
    static func keptInMP4(_ track: AudioTrack?, notice: (String) -> Void) -> AudioTrack? {
        guard let track else { return nil }
        if track.isMP4Compatible, let problem = track.muxingProblem {
            notice("dropping the \(track.codecName) audio track: \(problem)")
            return nil
        }
        if track.isMP4Compatible { return track }
        notice("dropping the \(track.codecName) audio track: expand writes MP4, which cannot hold "
               + "\(track.codecName) without re-encoding (kept: "
               + AudioTrack.mp4Codecs.sorted().joined(separator: ", ") + ")")
        return nil
    }
}
