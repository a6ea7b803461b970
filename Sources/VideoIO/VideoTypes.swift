/// What a video file says about its video stream, read once when it is opened.
public struct VideoInfo: Sendable, Equatable {
    /// Size of the decoded frames in pixels (before any rotation is applied).
    public var width: Int
    public var height: Int
    /// Number of video frames. Taken from the container's frame count where the container
    /// stores one per sample (MP4/MOV sample tables) and otherwise counted by demuxing every
    /// packet of the stream without decoding (empty "dropped frame" packets are not counted).
    /// From a pipe, which cannot be read twice, it is the stored count or 0 (unknown).
    /// The frames `VideoReader.nextFrame()` returns are the final word.
    public var frameCount: Int
    /// Frames per second as an exact rational: the stream's average rate, else its base rate,
    /// else frame count over duration, else 25/1.
    public var frameRate: Rational
    /// Duration of the video stream in seconds.
    public var duration: Double
    /// Clockwise rotation in degrees (0, 90, 180 or 270) a player applies for display, from
    /// the display-matrix side data. Frames are returned unrotated.
    public var rotation: Int
    /// Whether the file holds at least one audio stream.
    public var hasAudio: Bool
    /// FFmpeg's short name of the video codec, e.g. "h264".
    public var codecName: String
    /// Pixel (sample) aspect ratio; 1/1 when the file does not say.
    public var pixelAspect: Rational
    /// Whether the stream's average rate and its base rate differ by more than 1%: frames
    /// spaced unevenly (variable frame rate), which a constant-rate output cannot keep.
    public var variableFrameRate: Bool

    /// Info from its parts (readers fill it in; tests and callers may build their own).
    public init(width: Int, height: Int, frameCount: Int, frameRate: Rational, duration: Double,
                rotation: Int = 0, hasAudio: Bool = false, codecName: String = "",
                pixelAspect: Rational = Rational(num: 1, den: 1), variableFrameRate: Bool = false) {
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.duration = duration
        self.rotation = rotation
        self.hasAudio = hasAudio
        self.codecName = codecName
        self.pixelAspect = pixelAspect
        self.variableFrameRate = variableFrameRate
    }

    /// The one-line warning for a variable-frame-rate input, naming the constant rate used.
    public func variableRateWarning(path: String) -> String? {
        variableFrameRate ? Self.variableRateWarning(path: path, frameRate: frameRate) : nil
    }

    /// The warning's text for an input at `path` written at the constant `frameRate`.
    public static func variableRateWarning(path: String, frameRate: Rational) -> String {
        let rate = frameRate.reduced
        return "warning: \(path) has a variable frame rate; the output is constant at its average, "
            + "\(rate.num)/\(rate.den) = \(String(format: "%.3f", rate.doubleValue)) fps (the source timestamps are not kept)"
    }
}

/// One decoded picture as tightly packed 8-bit RGB.
public struct RGBFrame: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Row-major RGB24, stride `width * 3`, `width * height * 3` bytes.
    public var pixels: [UInt8]
    /// Presentation time in seconds from the start of the video stream, when the file gives one.
    public var pts: Double?

    /// A frame from its parts; `pixels` must hold `width * height * 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8], pts: Double? = nil) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.pts = pts
    }
}
