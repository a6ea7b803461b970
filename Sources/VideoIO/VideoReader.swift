import CFFmpeg
import Foundation

/// Reads the video stream of any file libavformat and libavcodec understand (MP4, MKV, AVI,
/// MOV, WebM; H.264, HEVC, MPEG-4, VP9, MS-MPEG4, Cinepak, ...) as RGB24 frames at the source
/// size, one at a time, so memory stays flat however long the video is. The packets of the
/// first audio stream are collected untouched along the way (see `audio`).
///
/// Times are relative to the start of the video stream (the first frame's `pts` is 0, or the
/// decoder delay in AVI files with B-frames), and the audio packets' timestamps are moved by
/// the same amount, so that a `VideoWriter`, whose video starts at 0, keeps them in sync.
///
/// Every frame comes back at `info`'s size: the frames of a stream whose picture size changes
/// part-way are scaled to it, with a `notice` naming the frame where the change happens.
/// Timestamps are kept in `RGBFrame.pts`, but vtkc's outputs are constant frame rate.
///
/// A reader is not thread-safe; use it from one thread at a time.
public final class VideoReader {
    /// What the file says about its video stream.
    public let info: VideoInfo
    /// The file being read; for a descriptor or memory input, a file URL of its name.
    public let url: URL
    /// What errors call the input: the file's path, or the name given with the input.
    public let name: String
    /// Called with a one-line warning for the user (a picture size change part-way).
    public var notice: ((String) -> Void)?

    private let input: InputContext
    private let decoder: CodecContext
    private let videoIndex: Int
    private let audioIndex: Int?
    private let packet: Packet
    private let frame: Frame
    private let converter: RGBConverter
    private var audioTrack: AudioTrack?
    /// The video stream's start time in its own time base, and in the audio's.
    private let videoStart: Int64
    private let audioShift: Int64
    private var demuxerDone = false
    private var finished = false
    /// Frames returned so far, and the decoded picture size of the last one.
    private var framesReturned = 0
    private var decodedSize: (width: Int32, height: Int32)?

    /// Opens `url` and its best video stream. Throws a one-line error naming the file when it
    /// is missing, unreadable, not a video, or has a codec this FFmpeg cannot decode.
    public convenience init(url: URL) throws {
        try self.init(input: .file(url))
    }

    /// Opens `source` (a file, a file descriptor such as `.standardInput`, or bytes in memory)
    /// and its best video stream, with the same one-line errors, naming `source.name`. From a
    /// pipe, an MP4/MOV whose index follows the media data is refused with an error saying so,
    /// and `info.frameCount` is the container's stored count or 0 (a pipe cannot be read
    /// twice to count). With `scaling`, frames come out resized (`frameSize`); `info` keeps
    /// the stream's own size.
    public init(input source: VideoInput, scaling: FrameScaling? = nil) throws {
        let path = source.name
        if case .file(let url) = source { self.url = url } else { url = URL(fileURLWithPath: path) }
        name = path
        let input = try InputContext(input: source)
        self.input = input
        var codec: UnsafePointer<AVCodec>?
        let found = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)
        if found == vtkc_averror_stream_not_found() {
            let audioOnly = VideoInfoProbe.firstAudioStream(input) != nil
            throw VideoIOError.noVideoStream(path: path, audioOnly: audioOnly)
        }
        if found == vtkc_averror_decoder_not_found() {
            let index = (0..<input.streamCount).first {
                input.stream($0).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            }
            let id = index.map { input.stream($0).pointee.codecpar.pointee.codec_id } ?? AV_CODEC_ID_NONE
            throw VideoIOError.noDecoder(path: path, codec: nameOfCodec(id))
        }
        try check(found, "find video stream", path)
        guard let codec else { throw VideoIOError.noVideoStream(path: path, audioOnly: false) }
        videoIndex = Int(found)
        let stream = input.stream(videoIndex)
        decoder = try CodecContext(codec: codec, path: path)
        let ctx = decoder.pointer
        try check(avcodec_parameters_to_context(ctx, stream.pointee.codecpar), "set up video decoder", path)
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        ctx.pointee.thread_count = 0
        ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        try check(avcodec_open2(ctx, codec, nil), "open \(nameOfCodec(codec.pointee.id)) decoder", path)
        info = try VideoInfoProbe.info(input: input, streamIndex: videoIndex, decoder: ctx, path: path)
        guard info.width > 0, info.height > 0 else {
            throw VideoIOError.invalidArgument(path: path, detail: "video stream has no frame size")
        }
        audioIndex = VideoInfoProbe.firstAudioStream(input)
        try VideoInfoProbe.checkNotTruncated(input: input, streams: [videoIndex] + (audioIndex.map { [$0] } ?? []), path: path)
        if let audioIndex {
            let audioStream = input.stream(audioIndex)
            audioTrack = AudioTrack(parameters: audioStream.pointee.codecpar,
                                    timeBase: audioStream.pointee.time_base)
        }
        let start = stream.pointee.start_time
        let videoStart = start == vtkc_nopts_value() ? 0 : start
        self.videoStart = videoStart
        audioShift = audioIndex.map {
            av_rescale_q(videoStart, stream.pointee.time_base, input.stream($0).pointee.time_base)
        } ?? 0
        for index in 0..<input.streamCount where index != videoIndex && index != audioIndex {
            input.stream(index).pointee.discard = AVDISCARD_ALL
        }
        packet = try Packet(path: path)
        frame = try Frame(path: path)
        let size = scaling?.outputSize(width: info.width, height: info.height) ?? (width: info.width, height: info.height)
        converter = RGBConverter(width: size.width, height: size.height, sourceWidth: info.width,
                                 sourceHeight: info.height, filter: scaling?.filter ?? .bicubic, path: path)
    }

    /// The size of the frames `nextFrame()` returns: `info`'s size, or the resized size.
    public var frameSize: (width: Int, height: Int) { (converter.width, converter.height) }

    /// The first audio stream's packets and parameters, or nil when the file has no audio.
    /// Complete once `nextFrame()` has returned nil (or `skipFrame()` false).
    public var audio: AudioTrack? { audioTrack }

    /// The next frame in presentation order, or nil at the end of the stream.
    public func nextFrame() throws -> RGBFrame? {
        guard try decodeNext() else { return nil }
        defer { av_frame_unref(frame.pointer) }
        return try makeFrame()
    }

    /// Decodes the next frame without converting it to RGB (cheaper when only some frames are
    /// wanted); false at the end of the stream.
    public func skipFrame() throws -> Bool {
        guard try decodeNext() else { return false }
        av_frame_unref(frame.pointer)
        return true
    }

    /// Decodes into `frame`; false at the end of the stream.
    private func decodeNext() throws -> Bool {
        guard !finished else { return false }
        while true {
            let status = avcodec_receive_frame(decoder.pointer, frame.pointer)
            if status >= 0 { return true }
            if status == vtkc_averror_eof() {
                finished = true
                return false
            }
            if status != vtkc_averror_eagain() { try check(status, "decode video", name) }
            try feedDecoder()
        }
    }

    /// Reads packets until one video packet (or the end-of-stream flush) reaches the decoder,
    /// keeping audio packets on the way.
    private func feedDecoder() throws {
        let path = name
        if demuxerDone {
            try check(avcodec_send_packet(decoder.pointer, nil), "flush video decoder", path)
            return
        }
        while true {
            let status = av_read_frame(input.pointer, packet.pointer)
            if status == vtkc_averror_eof() {
                demuxerDone = true
                try check(avcodec_send_packet(decoder.pointer, nil), "flush video decoder", path)
                return
            }
            try check(status, "read packet", path)
            defer { av_packet_unref(packet.pointer) }
            let index = Int(packet.pointer.pointee.stream_index)
            if index == videoIndex {
                // An empty packet would end the stream for the decoder; AVI uses them for
                // dropped frames, which are not counted as frames either.
                if packet.pointer.pointee.size == 0 { continue }
                try check(avcodec_send_packet(decoder.pointer, packet.pointer), "decode video", path)
                return
            }
            if index == audioIndex { audioTrack?.append(packet.pointer, shift: audioShift) }
        }
    }

    private func makeFrame() throws -> RGBFrame {
        let f = frame.pointer.pointee
        let timestamp = f.best_effort_timestamp
        let timeBase = input.stream(videoIndex).pointee.time_base
        let pts = timestamp == vtkc_nopts_value() ? nil : Double(timestamp - videoStart) * av_q2d(timeBase)
        let size = (width: f.width, height: f.height)
        if let last = decodedSize, last != size {
            notice?("\(name): frame \(framesReturned) changes the picture size from \(last.width)x\(last.height) "
                    + "to \(size.width)x\(size.height); it and the frames after it are scaled to "
                    + "\(converter.width)x\(converter.height)")
        }
        decodedSize = size
        let pixels = try converter.convert(frame.pointer)
        framesReturned += 1
        return RGBFrame(width: converter.width, height: converter.height, pixels: pixels, pts: pts)
    }
}
