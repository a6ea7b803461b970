import CFFmpeg
import Foundation

/// A muxer writing one file (in vtkc, an `OutputTarget`'s staging file: where the finished
/// bytes go is the caller's policy). `commit()` writes the trailer and closes the file; an
/// output dropped without `commit()` deletes the file if `open()` created it.
final class OutputFile {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// The file being written.
    let file: String
    /// The name every error gives the file (the user's destination, not a staging file).
    let path: String
    private var committed = false
    /// Whether `open()` created the file: only then does an uncommitted output delete it (a
    /// device or a file that was there before is never removed).
    private var created = false

    /// Prepares a muxer of the given FFmpeg format name (e.g. "mp4") for `url`. The file is
    /// created by `open()`, after the streams are added.
    init(url: URL, format: String, name: String? = nil) throws {
        FFmpegLog.configure()
        file = url.path
        path = name ?? url.path
        var context: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&context, nil, format, file),
                  "set up \(format) muxer", path)
        guard let context else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "set up muxer", path: path)
        }
        pointer = context
    }

    /// Whether the format wants codec headers in the stream parameters (MP4 does).
    var wantsGlobalHeader: Bool { pointer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// Records the true frame size of an odd-sized 4:2:0 video coded one pixel larger, as the
    /// container tag `FrameSizeTag.key` (MP4: a metadata key in the moov 'meta' box).
    func recordFrameSize(width: Int, height: Int) throws {
        try check(av_dict_set(&pointer.pointee.metadata, FrameSizeTag.key, "\(width)x\(height)", 0),
                  "record frame size", path)
        if String(cString: pointer.pointee.oformat.pointee.name) == "mp4" {
            try setOption("movflags", "+use_metadata_tags")
        }
    }

    /// Sets one of the muxer's private options (e.g. MP4's movflags).
    func setOption(_ name: String, _ value: String) throws {
        try check(av_opt_set(pointer.pointee.priv_data, name, value, 0), "set muxer option \(name)=\(value)", path)
    }

    /// Creates the file and writes the container header.
    func open() throws {
        var info = stat()
        created = lstat(file, &info) != 0 && errno == ENOENT
        try check(avio_open(&pointer.pointee.pb, "file:" + file, AVIO_FLAG_WRITE),
                  "create output file", path)
        try check(avformat_write_header(pointer, nil), "write container header", path)
    }

    /// Adds a stream; the caller fills its parameters.
    func addStream() throws -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(pointer, nil) else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "add stream", path: path)
        }
        return stream
    }

    /// Writes one packet through the interleaving queue (the muxer takes the packet's data).
    func write(_ packet: UnsafeMutablePointer<AVPacket>) throws {
        try check(av_interleaved_write_frame(pointer, packet), "write packet", path)
    }

    /// Writes the trailer and closes the file.
    func commit() throws {
        try check(av_write_trailer(pointer), "finish container", path)
        try check(avio_closep(&pointer.pointee.pb), "close output file", path)
        committed = true
    }

    deinit {
        if pointer.pointee.pb != nil { avio_closep(&pointer.pointee.pb) }
        avformat_free_context(pointer)
        var info = stat()
        if !committed, created, lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG { unlink(file) }
    }
}

/// The container tag that carries the exact frame size when the coded size is one pixel
/// larger (odd sizes in 4:2:0), written by `VideoWriter` and honoured by `VideoReader`.
enum FrameSizeTag {
    static let key = "vtkc_frame_size"

    /// The size to crop a coded `codedWidth` x `codedHeight` picture to, when `format`'s
    /// metadata holds a valid tag at most one pixel smaller in each direction.
    static func size(in format: UnsafeMutablePointer<AVFormatContext>, codedWidth: Int, codedHeight: Int) -> (Int, Int)? {
        guard let entry = av_dict_get(format.pointee.metadata, key, nil, 0) else { return nil }
        let parts = String(cString: entry.pointee.value).split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        let (w, h) = (parts[0], parts[1])
        guard w > 0, h > 0, (0...1).contains(codedWidth - w), (0...1).contains(codedHeight - h) else { return nil }
        return (w, h)
    }
}
