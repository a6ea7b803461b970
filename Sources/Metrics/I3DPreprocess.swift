import VideoIO

/// The rFVD protocol's input preparation: 16 RGB frames, each resized to 224x224 with bilinear
/// interpolation at half-pixel centres and no antialiasing (PyTorch
/// `F.interpolate(mode="bilinear", align_corners=False, antialias=False)`, as StyleGAN-V's I3D
/// torchscript resizes), then mapped to [-1, 1] by x / 127.5 - 1.
public enum I3DPreprocess {
    /// One clip for `I3D.logits`: 16 x 224 x 224 x 3 floats from 16 decoded frames (each frame
    /// is resized on its own, so sizes need not agree).
    public static func clip(frames: [RGBFrame]) -> [Float] {
        precondition(frames.count == I3D.frames, "an I3D clip has \(I3D.frames) frames, got \(frames.count)")
        return assemble(frames.map { resize($0.pixels, width: $0.width, height: $0.height,
                                            toWidth: I3D.size, toHeight: I3D.size) })
    }

    /// As `clip(frames:)` from 16 tightly packed RGB24 images of `width x height`.
    public static func clip(pixels frames: [[UInt8]], width: Int, height: Int) -> [Float] {
        precondition(frames.count == I3D.frames, "an I3D clip has \(I3D.frames) frames, got \(frames.count)")
        return assemble(frames.map { resize($0, width: width, height: height, toWidth: I3D.size, toHeight: I3D.size) })
    }

    /// Concatenates resized frames (values 0...255) and maps them to [-1, 1].
    private static func assemble(_ resized: [[Float]]) -> [Float] {
        var clip: [Float] = []
        clip.reserveCapacity(resized.count * I3D.size * I3D.size * 3)
        for frame in resized { clip.append(contentsOf: frame.lazy.map { $0 / 127.5 - 1 }) }
        return clip
    }

    /// Bilinear resize of an RGB24 image to `toWidth x toHeight`, values kept in 0...255
    /// (`FrameResize.bilinearValues`, the metrics' one resampler).
    public static func resize(_ pixels: [UInt8], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        FrameResize.bilinearValues(pixels, width: width, height: height, toWidth: toWidth, toHeight: toHeight)
    }
}
