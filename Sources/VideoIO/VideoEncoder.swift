import CFFmpeg
import Foundation

/// What to encode with: an FFmpeg encoder, its pixel format, its private options and the
/// container. `VideoWriter.Options.spec` maps to libx264 in MP4 or FFV1 RGB in Matroska;
/// tests use others.
struct EncoderSpec {
    var codec: String
    var pixelFormat: AVPixelFormat
    var options: [String: String]
    var container: String
}

/// An opened video encoder plus the RGB -> YUV conversion into one reused frame.
///
/// Odd sizes: 4:2:0 needs even sizes, and H.264 cannot crop a 4:2:0 picture by one pixel
/// (its SPS crop offsets count pairs of luma samples), so an odd width or height is coded one
/// pixel larger with the last column/row repeated. `VideoWriter` records the true size in the
/// container and `VideoReader` crops it back; other players show the repeated edge.
final class VideoEncoder {
    let context: CodecContext
    let width: Int
    let height: Int
    /// Whether the coded size is larger than `width` x `height` (odd sizes in 4:2:0).
    var isPadded: Bool { Int(context.pointer.pointee.width) != width || Int(context.pointer.pointee.height) != height }
    private let frame: Frame
    private let scaler = Scaler()
    private let path: String
    private let matrix: Int32

    init(spec: EncoderSpec, width: Int, height: Int, frameRate: Rational,
         globalHeader: Bool, path: String) throws {
        guard let codec = avcodec_find_encoder_by_name(spec.codec) else {
            throw VideoIOError.noEncoder(path: path, codec: spec.codec)
        }
        self.width = width
        self.height = height
        self.path = path
        context = try CodecContext(codec: codec, path: path)
        frame = try Frame(path: path)
        guard let descriptor = av_pix_fmt_desc_get(spec.pixelFormat) else {
            throw VideoIOError.invalidArgument(path: path, detail: "unknown pixel format")
        }
        let padW = width % (1 << Int(descriptor.pointee.log2_chroma_w))
        let padH = height % (1 << Int(descriptor.pointee.log2_chroma_h))
        let options = spec.options
        let ctx = context.pointer
        ctx.pointee.width = Int32(width + padW)
        ctx.pointee.height = Int32(height + padH)
        ctx.pointee.pix_fmt = spec.pixelFormat
        ctx.pointee.time_base = AVRational(num: Int32(frameRate.den), den: Int32(frameRate.num))
        ctx.pointee.framerate = frameRate.av
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        // The matrix a reader assumes for untagged video of this size (BT.709 for HD, else
        // BT.601), so colours stay right where a codec or container drops the tag (AVI, MPEG-4).
        matrix = RGBConverter.matrix(AVCOL_SPC_UNSPECIFIED, width: width, height: height)
        if descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 {
            ctx.pointee.color_range = AVCOL_RANGE_JPEG
            ctx.pointee.colorspace = AVCOL_SPC_RGB
        } else {
            ctx.pointee.color_range = AVCOL_RANGE_MPEG
            ctx.pointee.colorspace = matrix == SWS_CS_ITU709 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M
        }
        ctx.pointee.color_primaries = AVCOL_PRI_BT709
        ctx.pointee.color_trc = AVCOL_TRC_BT709
        ctx.pointee.thread_count = 0
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        var dictionary: OpaquePointer?
        defer { av_dict_free(&dictionary) }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            av_dict_set(&dictionary, key, value, 0)
        }
        try check(avcodec_open2(ctx, codec, &dictionary), "open \(spec.codec) encoder", path)
        if let leftover = av_dict_get(dictionary, "", nil, AV_DICT_IGNORE_SUFFIX) {
            let key = String(cString: leftover.pointee.key)
            throw VideoIOError.invalidArgument(path: path, detail: "\(spec.codec) has no option '\(key)'")
        }
        frame.pointer.pointee.format = spec.pixelFormat.rawValue
        frame.pointer.pointee.width = ctx.pointee.width
        frame.pointer.pointee.height = ctx.pointee.height
        try check(av_frame_get_buffer(frame.pointer, 0), "allocate video frame", path)
    }

    /// Converts `pixels` (RGB24, width x height) into the encoder's frame with timestamp `pts`
    /// (in frames) and sends it; nil sends end-of-stream.
    func send(_ pixels: [UInt8]?, pts: Int64) throws {
        guard let pixels else {
            try check(avcodec_send_frame(context.pointer, nil), "flush video encoder", path)
            return
        }
        let f = frame.pointer
        try check(av_frame_make_writable(f), "prepare video frame", path)
        let format = AVPixelFormat(rawValue: f.pointee.format)
        let (sws, isNew) = try scaler.context(
            from: Int32(width), Int32(height), AV_PIX_FMT_RGB24, to: Int32(width), Int32(height), format,
            flags: SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, path: path)
        if isNew {
            sws_setColorspaceDetails(sws, sws_getCoefficients(SWS_CS_DEFAULT), 1,
                                     sws_getCoefficients(matrix), 0, 0, 1 << 16, 1 << 16)
        }
        var stride: [Int32] = [Int32(width * 3), 0, 0, 0]
        let rows = pixels.withUnsafeBufferPointer { rgb in
            var src: [UnsafePointer<UInt8>?] = [rgb.baseAddress, nil, nil, nil]
            return withUnsafeMutablePointer(to: &f.pointee.data) { data in
                withUnsafePointer(to: &f.pointee.linesize) { lines in
                    data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                            sws_scale(sws, &src, &stride, 0, Int32(height), dst, dstStride)
                        }
                    }
                }
            }
        }
        guard rows == Int32(height) else {
            throw FFmpegError(code: rows < 0 ? rows : vtkc_averror(EINVAL), operation: "convert RGB frame", path: path)
        }
        replicateEdges(format)
        f.pointee.pts = pts
        try check(avcodec_send_frame(context.pointer, f), "encode video", path)
    }

    /// Fills the padding column/row of every plane by repeating the last real one, so the
    /// cropped-away pixels cost few bits and cannot bleed colour into the picture.
    private func replicateEdges(_ format: AVPixelFormat) {
        let f = frame.pointer
        let codedW = Int(f.pointee.width), codedH = Int(f.pointee.height)
        guard codedW != width || codedH != height, let desc = av_pix_fmt_desc_get(format) else { return }
        let bytesPerSample = (Int(desc.pointee.comp.0.depth) + 7) / 8
        let planes = Int(av_pix_fmt_count_planes(format))
        let data = withUnsafeBytes(of: f.pointee.data) { Array($0.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)) }
        let lines = withUnsafeBytes(of: f.pointee.linesize) { Array($0.bindMemory(to: Int32.self)) }
        for plane in 0..<planes {
            guard let base = data[plane] else { continue }
            let chroma = plane == 1 || plane == 2
            let shiftW = chroma ? Int(desc.pointee.log2_chroma_w) : 0
            let shiftH = chroma ? Int(desc.pointee.log2_chroma_h) : 0
            let realW = (width + (1 << shiftW) - 1) >> shiftW, allW = codedW >> shiftW
            let realH = (height + (1 << shiftH) - 1) >> shiftH, allH = codedH >> shiftH
            let stride = Int(lines[plane])
            for y in 0..<realH where allW > realW {
                let row = base + y * stride
                for x in realW..<allW {
                    (row + x * bytesPerSample).update(from: row + (realW - 1) * bytesPerSample, count: bytesPerSample)
                }
            }
            for y in realH..<max(allH, realH) {
                (base + y * stride).update(from: base + (realH - 1) * stride, count: allW * bytesPerSample)
            }
        }
    }
}
