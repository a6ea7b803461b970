import Codec
import Foundation
import Metrics
import VideoIO

/// Squared error of decoded frames against their reference, split into pixels near tile
/// borders (within `band` pixels of a place where one tile ends and another begins inside
/// the frame) and all other pixels; and the step across tile borders, interior tubelet
/// borders and all other neighbouring pixels, relative to the reference's step at the same
/// places (`StepSums`: a ratio of 1.0 means no seam).
///
/// It is a `FrameSink`: expanded frames are compared as they arrive with the next frame of
/// the reference source, so nothing but the current frame is held.
public final class SeamMeter: FrameSink {
    /// Sum of squared 8-bit errors and number of samples, near borders and elsewhere.
    public private(set) var borderError: Double = 0
    public private(set) var borderSamples = 0
    public private(set) var restError: Double = 0
    public private(set) var restSamples = 0
    /// Steps across tile borders, interior tubelet borders and all other pixel borders.
    public private(set) var tileSteps = StepSums()
    public private(set) var tubeletSteps = StepSums()
    public private(set) var interiorSteps = StepSums()
    private let reference: FrameSource
    private let borders: BorderMap
    private let nearBorder: [Bool]
    private let nearCount: Int

    /// A meter for frames tiled by `layout` with tubelets `tubelet` pixels wide, compared with
    /// `reference` frame by frame.
    public init(layout: TileLayout, reference: FrameSource, band: Int = 8, tubelet: Int = 8) {
        self.reference = reference
        borders = BorderMap(layout: layout, tubelet: tubelet)
        let xs = Self.mask(TileLayout.seams(origins: layout.xOrigins, tile: layout.tileWidth, size: layout.width),
                           size: layout.width, band: band)
        let ys = Self.mask(TileLayout.seams(origins: layout.yOrigins, tile: layout.tileHeight, size: layout.height),
                           size: layout.height, band: band)
        nearBorder = ys.flatMap { y in xs.map { x in x || y } }
        nearCount = nearBorder.lazy.filter { $0 }.count * 3
    }

    /// Pixels of an axis within `band` of a seam (a seam at `s` lies between `s - 1` and `s`).
    static func mask(_ seams: [Int], size: Int, band: Int) -> [Bool] {
        (0..<size).map { i in seams.contains { s in i >= s - band && i < s + band } }
    }

    public func write(_ frame: RGBFrame) throws {
        guard let ref = try reference.nextFrame(), ref.width == frame.width, ref.height == frame.height else {
            throw CodecError.invalidOption("the reference ended early or changed size")
        }
        var border = 0, rest = 0
        for p in 0..<(frame.width * frame.height) {
            var e = 0
            for c in 0..<3 {
                let d = Int(frame.pixels[p * 3 + c]) - Int(ref.pixels[p * 3 + c])
                e += d * d
            }
            if nearBorder[p] { border += e } else { rest += e }
        }
        borderError += Double(border)
        restError += Double(rest)
        borderSamples += nearCount
        restSamples += frame.width * frame.height * 3 - nearCount
        let steps = borders.steps(decoded: frame, reference: ref)
        tileSteps.add(steps[.tile]!)
        tubeletSteps.add(steps[.tubelet]!)
        interiorSteps.add(steps[.interior]!)
    }

    public func finish() throws {}

    /// PSNR (`Metrics.PSNR`, peak 255) of a pooled squared error; infinity for a perfect
    /// match, nil for no samples.
    public static func psnr(error: Double, samples: Int) -> Double? {
        guard samples > 0 else { return nil }
        return PSNR.decibels(mse: error / Double(samples))
    }
}
