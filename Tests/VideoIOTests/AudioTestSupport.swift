import CFFmpeg
import Foundation
@testable import VideoIO

/// Encodes a stereo tone with FFmpeg's native AAC encoder into an AudioTrack (test fixture
/// made with the library API, no ffmpeg binary).
func makeAACTrack(seconds: Double, sampleRate: Int32 = 44100) throws -> AudioTrack {
    guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
        throw VideoIOError.noEncoder(path: "test", codec: "aac")
    }
    var ctx = avcodec_alloc_context3(codec)
    defer { avcodec_free_context(&ctx) }
    guard let c = ctx else { throw VideoIOError.noEncoder(path: "test", codec: "aac") }
    c.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
    c.pointee.sample_rate = sampleRate
    c.pointee.bit_rate = 96_000
    c.pointee.time_base = AVRational(num: 1, den: sampleRate)
    c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
    av_channel_layout_default(&c.pointee.ch_layout, 2)
    try check(avcodec_open2(c, codec, nil), "open aac encoder", "test")
    var frame = av_frame_alloc()
    defer { av_frame_free(&frame) }
    var packet = av_packet_alloc()
    defer { av_packet_free(&packet) }
    guard let f = frame, let p = packet else { throw VideoIOError.noEncoder(path: "test", codec: "aac") }
    f.pointee.nb_samples = c.pointee.frame_size
    f.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
    f.pointee.sample_rate = sampleRate
    try check(av_channel_layout_copy(&f.pointee.ch_layout, &c.pointee.ch_layout), "copy layout", "test")
    try check(av_frame_get_buffer(f, 0), "allocate audio frame", "test")

    var parameters = avcodec_parameters_alloc()
    defer { avcodec_parameters_free(&parameters) }
    guard let par = parameters else { throw VideoIOError.noEncoder(path: "test", codec: "aac") }
    try check(avcodec_parameters_from_context(par, c), "copy aac parameters", "test")
    var track = AudioTrack(parameters: par, timeBase: c.pointee.time_base)
    func drain() throws {
        while true {
            let status = avcodec_receive_packet(c, p)
            if status == vtkc_averror_eagain() || status == vtkc_averror_eof() { return }
            try check(status, "encode aac", "test")
            track.append(p)
            av_packet_unref(p)
        }
    }
    let total = Int(seconds * Double(sampleRate))
    var sample = 0
    while sample < total {
        try check(av_frame_make_writable(f), "frame writable", "test")
        let n = Int(f.pointee.nb_samples)
        for channel in 0..<2 {
            let plane = UnsafeMutableRawPointer(f.pointee.extended_data[channel]!).assumingMemoryBound(to: Float.self)
            for i in 0..<n {
                plane[i] = 0.3 * sin(2 * .pi * Float(440 + 220 * channel) * Float(sample + i) / Float(sampleRate))
            }
        }
        f.pointee.pts = Int64(sample)
        try check(avcodec_send_frame(c, f), "encode aac", "test")
        try drain()
        sample += n
    }
    try check(avcodec_send_frame(c, nil), "flush aac", "test")
    try drain()
    return track
}
