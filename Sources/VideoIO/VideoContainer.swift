import CFFmpeg
import Foundation

/// The file formats `VideoWriter` writes, each with its one video codec. The output file's
/// extension chooses: `.mkv` is FFV1 in Matroska, anything else H.264 in MP4.
public enum VideoContainer: String, Sendable, CaseIterable {
    /// H.264 (libx264) in MP4, yuv420p or yuv444p (`H264PixelFormat`); lossy except at CRF 0,
    /// which is lossless in YUV, not in RGB (the RGB -> YUV conversion rounds).
    case mp4
    /// FFV1 in Matroska, 8-bit RGB (bgr0; FFmpeg 5.1 has no 8-bit planar gbrp FFV1): lossless, the RGB24 frames exactly as given.
    /// Matroska holds every audio codec compress keeps, so stored audio always comes back.
    case mkv

    /// The container an output path asks for by its extension (case-insensitive): `.mkv` is
    /// Matroska; every other name (including `-` and devices) is MP4.
    public init(path: String) {
        self = (path as NSString).pathExtension.lowercased() == "mkv" ? .mkv : .mp4
    }

    /// Whether this container's codec reproduces the RGB frames exactly.
    public var isLossless: Bool { self == .mkv }
}

/// The chroma layout of the H.264 output.
public enum H264PixelFormat: String, Sendable, CaseIterable {
    /// 4:2:0, what every player plays; chroma at half resolution in both directions.
    case yuv420p
    /// 4:4:4 (High 4:4:4 profile): full-resolution chroma; with CRF 0 lossless in YUV.
    case yuv444p

    var av: AVPixelFormat { self == .yuv420p ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P }
}

extension VideoWriter.Options {
    /// The encoder, pixel format and muxer these options select.
    var spec: EncoderSpec {
        switch container {
        case .mp4:
            return EncoderSpec(codec: "libx264", pixelFormat: pixelFormat.av,
                               options: ["crf": "\(crf)", "preset": preset], container: "mp4")
        case .mkv:
            return EncoderSpec(codec: "ffv1", pixelFormat: AV_PIX_FMT_BGR0, options: [:], container: "matroska")
        }
    }
}
