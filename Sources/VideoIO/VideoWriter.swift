import CFFmpeg
import Foundation

/// Writes RGB24 frames to an MP4 file with H.264 video (libx264, yuv420p or yuv444p, limited
/// range, BT.709 matrix from 1280 wide or 577 high up, BT.601 below, tagged in the stream), or
/// to a Matroska file with lossless FFV1 RGB video (`Options.container`), at exactly the frame
/// count, frame rate and size given (odd sizes included), and optionally muxes an
/// `AudioTrack`'s packets back unchanged. The output has a constant frame rate: frame `i` is
/// shown at `i / frameRate` whatever the source's timestamps were.
///
/// The index ('moov') is moved to the front on finish, so players can start before the
/// whole file has arrived, and the file can be read from a pipe. The writer writes exactly the
/// file at `url` (vtkc gives it an `OutputTarget`'s staging file); a writer dropped without
/// `finish()` (or after an error) deletes it.
public final class VideoWriter {
    /// Encoder settings.
    public struct Options: Sendable, Equatable {
        /// x264 constant rate factor, 0 (lossless) to 51; lower is better quality.
        public var crf: Int = 18
        /// x264 preset, from "ultrafast" to "placebo"; slower presets compress better.
        public var preset: String = "medium"
        /// Clockwise rotation in degrees (a multiple of 90) that players apply for display,
        /// stored as a display matrix like `VideoInfo.rotation` reads it; frames stay as given.
        public var rotation: Int = 0
        /// The file format and with it the codec (crf, preset and pixelFormat apply to MP4 only).
        public var container: VideoContainer = .mp4
        /// The H.264 chroma layout (MP4 only).
        public var pixelFormat: H264PixelFormat = .yuv420p

        public init(crf: Int = 18, preset: String = "medium", rotation: Int = 0,
                    container: VideoContainer = .mp4, pixelFormat: H264PixelFormat = .yuv420p) {
            self.crf = crf
            self.preset = preset
            self.rotation = rotation
            self.container = container
            self.pixelFormat = pixelFormat
        }

        /// The x264 presets.
        public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast",
                                     "medium", "slow", "slower", "veryslow", "placebo"]
    }

    public let url: URL
    /// The file's name in every error (the destination the user named, not a staging file).
    public let name: String
    public let width: Int
    public let height: Int
    public let frameRate: Rational
    /// Frames written so far.
    public private(set) var frameCount = 0

    private let output: OutputFile
    private let encoder: VideoEncoder
    private let videoStream: UnsafeMutablePointer<AVStream>
    private let packet: Packet
    private var audio: AudioMuxer?
    private var closed = false

    /// Prepares `url` for writing (created when the header is written). Throws a one-line
    /// error naming the file (`name`, default its path) when the path is not writable or an
    /// argument is out of range.
    public convenience init(url: URL, width: Int, height: Int, frameRate: Rational,
                            options: Options = .init(), audio: AudioTrack? = nil, name: String? = nil) throws {
        let path = name ?? url.path
        guard (0...51).contains(options.crf) else {
            throw VideoIOError.invalidArgument(path: path, detail: "CRF \(options.crf) is outside 0...51")
        }
        guard Options.presets.contains(options.preset) else {
            throw VideoIOError.invalidArgument(path: path, detail:
                "unknown x264 preset '\(options.preset)' (use one of \(Options.presets.joined(separator: ", ")))")
        }
        guard options.rotation % 90 == 0 else {
            throw VideoIOError.invalidArgument(path: path, detail: "rotation \(options.rotation) is not a multiple of 90 degrees")
        }
        try self.init(url: url, width: width, height: height, frameRate: frameRate, spec: options.spec,
                      audio: audio, rotation: options.rotation, name: path)
    }

    /// The general form: any FFmpeg encoder, pixel format and container (tests use it).
    init(url: URL, width: Int, height: Int, frameRate: Rational, spec: EncoderSpec,
         audio track: AudioTrack?, rotation: Int = 0, name: String? = nil) throws {
        let path = name ?? url.path
        self.name = path
        guard VideoLimits.frameSideRange.contains(width), VideoLimits.frameSideRange.contains(height) else {
            throw VideoIOError.invalidArgument(path: path, detail: VideoLimits.frameSizeProblem(width: width, height: height))
        }
        let rate = frameRate.reduced
        guard rate.isPositive, rate.num <= Int(Int32.max), rate.den <= Int(Int32.max) else {
            throw VideoIOError.invalidArgument(path: path, detail: "frame rate \(frameRate) is not a positive rational")
        }
        if let track, spec.container == "mp4", !track.isMP4Compatible {
            throw VideoIOError.audioNotMP4Compatible(path: path, codec: track.codecName)
        }
        if let problem = track?.muxingProblem { throw VideoIOError.invalidArgument(path: path, detail: problem) }
        self.url = url
        self.width = width
        self.height = height
        self.frameRate = rate
        output = try OutputFile(url: url, format: spec.container, name: path)
        encoder = try VideoEncoder(spec: spec, width: width, height: height, frameRate: rate,
                                   globalHeader: output.wantsGlobalHeader, path: path)
        videoStream = try output.addStream()
        try check(avcodec_parameters_from_context(videoStream.pointee.codecpar, encoder.context.pointer),
                  "set video stream parameters", path)
        if encoder.isPadded { try output.recordFrameSize(width: width, height: height) }
        videoStream.pointee.time_base = encoder.context.pointer.pointee.time_base
        videoStream.pointee.avg_frame_rate = rate.av
        if rotation % 360 != 0 {
            guard let matrix = av_stream_new_side_data(videoStream, AV_PKT_DATA_DISPLAYMATRIX, 9 * 4) else {
                throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "store rotation", path: path)
            }
            matrix.withMemoryRebound(to: Int32.self, capacity: 9) {
                av_display_rotation_set($0, Double(rotation))  // FFmpeg 5.1: set is clockwise, get counterclockwise
            }
        }
        if let track {
            let stream = try output.addStream()
            try track.fill(stream.pointee.codecpar, path: path)
            stream.pointee.time_base = track.timeBase.av
            audio = AudioMuxer(track: track, stream: stream)
        }
        packet = try Packet(path: path)
        if spec.container == "mp4" { try output.setOption("movflags", "+faststart") }
        try output.open()
    }

    /// Encodes one frame; it must be `width` x `height` with `width * height * 3` bytes.
    /// Its `pts` is ignored: frames are timed by their index and the frame rate.
    public func write(_ frame: RGBFrame) throws {
        guard !closed else { throw VideoIOError.writerClosed(path: name) }
        guard frame.width == width, frame.height == height, frame.pixels.count == width * height * 3 else {
            throw VideoIOError.frameMismatch(path: name, detail:
                "got \(frame.width)x\(frame.height) with \(frame.pixels.count) bytes, expected \(width)x\(height) RGB24")
        }
        do {
            try encoder.send(frame.pixels, pts: Int64(frameCount))
            frameCount += 1
            try drain()
        } catch {
            closed = true
            throw error
        }
    }

    /// Flushes the encoder, writes the remaining audio and the trailer, and closes the file.
    /// A video needs at least one frame.
    public func finish() throws {
        guard !closed else { throw VideoIOError.writerClosed(path: name) }
        closed = true
        guard frameCount > 0 else {
            throw VideoIOError.invalidArgument(path: name, detail: "no frames were written; nothing to save")
        }
        try encoder.send(nil, pts: 0)
        try drain()
        try audio?.writeAll(before: nil, to: output, packet: packet)
        try output.commit()
    }

    /// Moves every packet the encoder has ready into the muxer. libx264 in FFmpeg 5.1 leaves
    /// packet durations at 0, which makes the MP4 muxer drop the last frame, so each packet
    /// gets its one-frame duration before its timestamps are rescaled.
    private func drain() throws {
        let ctx = encoder.context.pointer
        while true {
            let status = avcodec_receive_packet(ctx, packet.pointer)
            if status == vtkc_averror_eagain() || status == vtkc_averror_eof() { return }
            try check(status, "encode video", name)
            if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = 1 }
            av_packet_rescale_ts(packet.pointer, ctx.pointee.time_base, videoStream.pointee.time_base)
            packet.pointer.pointee.stream_index = videoStream.pointee.index
            let seconds = Double(packet.pointer.pointee.dts) * av_q2d(videoStream.pointee.time_base)
            try output.write(packet.pointer)
            try audio?.writeAll(before: seconds, to: output, packet: packet)
        }
    }
}

/// Feeds an audio track's packets to the muxer in step with the video.
private struct AudioMuxer {
    let track: AudioTrack
    let stream: UnsafeMutablePointer<AVStream>
    var next = 0
    var lastDTS: Int64?

    init(track: AudioTrack, stream: UnsafeMutablePointer<AVStream>) {
        self.track = track
        self.stream = stream
    }

    /// Writes the packets that start before `seconds` (all of them when nil).
    mutating func writeAll(before seconds: Double?, to output: OutputFile,
                           packet: Packet) throws {
        let timeBase = track.timeBase.av
        while next < track.packets.count {
            let source = track.packets[next]
            var dts = source.dts ?? source.pts ?? lastDTS.map { $0 + max(source.duration, 0) } ?? 0
            if let lastDTS, dts <= lastDTS { dts = lastDTS + 1 }
            if let seconds, Double(dts) * av_q2d(timeBase) > seconds { return }
            let pkt = packet.pointer
            try check(av_new_packet(pkt, Int32(source.data.count)), "copy audio packet", output.path)
            source.data.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { pkt.pointee.data.update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
            }
            pkt.pointee.pts = max(source.pts ?? dts, dts)
            pkt.pointee.dts = dts
            pkt.pointee.duration = source.duration
            pkt.pointee.flags = source.flags
            pkt.pointee.stream_index = stream.pointee.index
            av_packet_rescale_ts(pkt, timeBase, stream.pointee.time_base)
            lastDTS = dts
            next += 1
            try output.write(pkt)
        }
    }
}
