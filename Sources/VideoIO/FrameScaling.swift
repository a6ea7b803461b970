import CFFmpeg

/// The swscale filter used to resize frames (`--resize-filter`). swscale widens every filter
/// by the scale factor when shrinking, so each one low-passes before it subsamples.
public enum ScaleFilter: String, Sendable, CaseIterable {
    /// Nearest neighbour (no filtering; aliases when shrinking).
    case neighbor
    case bilinear
    /// Bicubic (swscale's default cubic, B = 0, C = 0.6): sharp without much ringing.
    case bicubic
    /// Area averaging.
    case area
    /// Gaussian.
    case gauss
    /// Lanczos, 3 lobes: the sharpest, with some ringing.
    case lanczos
    /// Natural bicubic spline.
    case spline

    /// The filter `--resize` uses unless told otherwise.
    public static let `default` = ScaleFilter.bicubic

    var swsFlag: Int32 {
        switch self {
        case .neighbor: return SWS_POINT
        case .bilinear: return SWS_BILINEAR
        case .bicubic: return SWS_BICUBIC
        case .area: return SWS_AREA
        case .gauss: return SWS_GAUSS
        case .lanczos: return SWS_LANCZOS
        case .spline: return SWS_SPLINE
        }
    }
}

/// Resizing of decoded frames so that their short side is `shortSide` pixels, keeping the
/// aspect ratio of the stored pixels (the long side rounded to the nearest pixel, halves up).
public struct FrameScaling: Sendable, Equatable {
    /// The short side's length after resizing, in pixels (1...16384).
    public var shortSide: Int
    public var filter: ScaleFilter

    /// Valid values of `shortSide`.
    public static let shortSideRange = 1...16384

    public init(shortSide: Int, filter: ScaleFilter = .default) {
        self.shortSide = shortSide
        self.filter = filter
    }

    /// The frame size a `width` x `height` frame is resized to. The short side becomes
    /// `shortSide`; a square frame becomes `shortSide` x `shortSide`. Integer arithmetic only,
    /// so every machine computes the same size.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && Self.shortSideRange.contains(shortSide))
        let short = min(width, height), long = max(width, height)
        let scaled = max(1, (long * shortSide * 2 + short) / (short * 2))
        return width <= height ? (shortSide, scaled) : (scaled, shortSide)
    }
}
