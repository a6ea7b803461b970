import Foundation

/// A PyTorch `nn.Linear`: weight (out, in), optional bias (out).
struct Linear: Sendable {
    private(set) var weight: LinearWeight
    let bias: FloatTensor?
    let inFeatures: Int
    let outFeatures: Int

    /// Loads `<prefix>.weight` and `<prefix>.bias`. With `keepInt8`, int8 weights stay
    /// compressed and must be expanded (`expanded(into:)`) before use; otherwise they are
    /// expanded now.
    init(_ store: WeightStore, _ prefix: String, in inFeatures: Int, out outFeatures: Int,
         bias hasBias: Bool = true, keepInt8: Bool = false) throws {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let name = prefix + ".weight", shape = [outFeatures, inFeatures]
        weight = keepInt8 ? try store.takeMatrix(name, shape: shape)
                          : .float(try store.take(name, shape: shape))
        bias = hasBias ? try store.take(prefix + ".bias", shape: [outFeatures]) : nil
    }

    /// This layer reading its weight from `memory`, where the caller has expanded (or will
    /// expand, before use) the int8 rows.
    func expanded(into memory: UnsafeMutablePointer<Float>) -> Linear {
        var copy = self
        copy.weight = .expanded(SharedPointer(memory))
        return copy
    }

    /// out (rows x outFeatures) = x W^T + b; with `accumulate`, out += x W^T + b. Runs on the
    /// calling thread (OpenBLAS is kept single-threaded; callers split rows across workers).
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>,
               accumulate: Bool = false) {
        sgemmLinear(x, lda: inFeatures, weight: weight.pointer, m: rows, n: outFeatures,
                    k: inFeatures, into: out, ldc: outFeatures, beta: accumulate ? 1 : 0)
        if let bias { addBias(out, rows: rows, columns: outFeatures, bias: bias.pointer) }
    }

    /// `apply` with the rows split across `threads` workers.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>,
               threads: Int) {
        let (source, target, layer) = (SharedPointer(x), SharedPointer(out), self)
        parallelRows(rows, threads: threads) { range in
            layer.apply(source.base + range.lowerBound * layer.inFeatures, rows: range.count,
                        into: target.base + range.lowerBound * layer.outFeatures)
        }
    }
}

/// A PyTorch `nn.LayerNorm` (eps 1e-6) over `width` features.
struct LayerNormWeights: Sendable {
    let gamma: FloatTensor
    let beta: FloatTensor
    let width: Int

    init(_ store: WeightStore, _ prefix: String, width: Int) throws {
        self.width = width
        gamma = try store.take(prefix + ".weight", shape: [width])
        beta = try store.take(prefix + ".bias", shape: [width])
    }

    /// Normalises `rows` rows of x into out on the calling thread.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        layerNorm(x, into: out, rows: rows, width: width, gamma: gamma.pointer, beta: beta.pointer)
    }

    /// Normalises `rows` rows of x into out, split across `threads` workers.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>,
               threads: Int) {
        let (source, target, norm) = (SharedPointer(x), SharedPointer(out), self)
        parallelRows(rows, threads: threads) { range in
            norm.apply(source.base + range.lowerBound * norm.width, rows: range.count,
                       into: target.base + range.lowerBound * norm.width)
        }
    }
}

/// Per-token rotation tables of the 3D axial RoPE (docs/MODEL.md): for token
/// (t, h, w) and rotary pair j, angle = position(axis of j) * theta^(-k/n), where pair j is
/// the k-th of the n pairs of its axis. Pairs are the interleaved channels (2j, 2j+1).
struct RopeTable: Sendable {
    /// cos and sin, each tokens x 32.
    let cos: [Float]
    let sin: [Float]

    init(config: ViTokConfig) {
        let grid = config.grid
        let pairs = ViTokConfig.headDim / 2
        var cos = [Float](repeating: 0, count: config.tokens * pairs)
        var sin = cos
        var token = 0
        for t in 0..<grid[0] {
            for h in 0..<grid[1] {
                for w in 0..<grid[2] {
                    let positions = [t, h, w]
                    var j = 0
                    for axis in 0..<3 {
                        let n = config.ropePairs[axis]
                        for k in 0..<n {
                            let frequency = Foundation.pow(config.ropeTheta, -Double(k) / Double(n))
                            let angle = Double(positions[axis]) * frequency
                            cos[token * pairs + j] = Float(Foundation.cos(angle))
                            sin[token * pairs + j] = Float(Foundation.sin(angle))
                            j += 1
                        }
                    }
                    token += 1
                }
            }
        }
        self.cos = cos
        self.sin = sin
    }
}
