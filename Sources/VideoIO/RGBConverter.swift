import CFFmpeg

/// Converts decoded frames of any pixel format and bit depth (4:2:0, 4:2:2, 4:4:4, 8-16 bit,
/// palettes, RGB) to tightly packed RGB24 at a fixed output size, honouring the frame's colour
/// matrix and range. One scaler is reused for the whole stream. A frame at most one pixel
/// larger than the stream's size in each direction (odd sizes coded padded) is cropped to
/// it first, then scaled to the output size when that differs (with `filter`).
final class RGBConverter {
    let width: Int
    let height: Int
    /// The stream's frame size (equal to the output size unless frames are resized).
    private let sourceWidth: Int
    private let sourceHeight: Int
    private let filter: Int32
    private let scaler = Scaler()
    private let path: String

    /// A converter of `sourceWidth` x `sourceHeight` frames (default: the output size) to
    /// `width` x `height` RGB24.
    init(width: Int, height: Int, sourceWidth: Int? = nil, sourceHeight: Int? = nil,
         filter: ScaleFilter = .bicubic, path: String) {
        self.width = width
        self.height = height
        self.sourceWidth = sourceWidth ?? width
        self.sourceHeight = sourceHeight ?? height
        self.filter = filter.swsFlag
        self.path = path
    }

    /// The frame as RGB24 at `width` x `height`.
    func convert(_ frame: UnsafePointer<AVFrame>) throws -> [UInt8] {
        let f = frame.pointee
        var format = AVPixelFormat(rawValue: f.format)
        var fullRange = f.color_range == AVCOL_RANGE_JPEG
        if let plain = Self.unJPEG[format] {
            format = plain
            fullRange = true
        }
        let crop = (0...1).contains(Int(f.width) - sourceWidth) && (0...1).contains(Int(f.height) - sourceHeight)
        let srcW = crop ? Int32(sourceWidth) : f.width, srcH = crop ? Int32(sourceHeight) : f.height
        let (context, isNew) = try scaler.context(
            from: srcW, srcH, format, to: Int32(width), Int32(height), AV_PIX_FMT_RGB24,
            flags: filter | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
            extra: [Int32(f.colorspace.rawValue), fullRange ? 1 : 0], path: path)
        if isNew {
            let matrix = Self.matrix(f.colorspace, width: Int(f.width), height: Int(f.height))
            let coefficients = sws_getCoefficients(matrix)
            let rgbCoefficients = sws_getCoefficients(SWS_CS_DEFAULT)
            sws_setColorspaceDetails(context, coefficients, fullRange ? 1 : 0,
                                     rgbCoefficients, 1, 0, 1 << 16, 1 << 16)
        }
        let rowBytes = width * 3
        var failure: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { buffer, count in
            var dst: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var dstStride: [Int32] = [Int32(rowBytes), 0, 0, 0]
            let rows = withUnsafePointer(to: f.data) { data in
                withUnsafePointer(to: f.linesize) { lines in
                    data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { stride in
                            sws_scale(context, src, stride, 0, srcH, &dst, &dstStride)
                        }
                    }
                }
            }
            if rows != Int32(height) {
                buffer.initialize(repeating: 0)
                failure = rows < 0 ? rows : vtkc_averror(EINVAL)
            }
            count = rowBytes * height
        }
        if failure != 0 {
            throw FFmpegError(code: failure, operation: "convert frame to RGB", path: path)
        }
        return pixels
    }

    /// The sws colour matrix for a frame's colorspace tag. Untagged video follows the usual
    /// player rule: BT.709 for HD sizes, BT.601 below.
    static func matrix(_ space: AVColorSpace, width: Int, height: Int) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        case AVCOL_SPC_BT470BG, AVCOL_SPC_SMPTE170M: return SWS_CS_ITU601
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        default: return width >= 1280 || height > 576 ? SWS_CS_ITU709 : SWS_CS_ITU601
        }
    }

    /// The deprecated full-range "J" formats and their plain equivalents.
    static let unJPEG: [AVPixelFormat: AVPixelFormat] = [
        AV_PIX_FMT_YUVJ420P: AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUVJ422P: AV_PIX_FMT_YUV422P,
        AV_PIX_FMT_YUVJ444P: AV_PIX_FMT_YUV444P, AV_PIX_FMT_YUVJ440P: AV_PIX_FMT_YUV440P,
        AV_PIX_FMT_YUVJ411P: AV_PIX_FMT_YUV411P,
    ]
}
