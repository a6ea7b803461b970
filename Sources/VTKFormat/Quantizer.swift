// Per-channel affine quantization of a group's latents and its entropy coding with the
// binary-tree adaptive range coder, optionally on temporal residuals (scheme 2). Layout and
// arithmetic: docs/FORMAT.md, "Quantized latents" and "Temporal residuals (scheme 2)".

/// Quantizes, codes, decodes and dequantizes one group's latents (layout tile, token,
/// channel: value i belongs to channel i % channels and token i / channels % tokens).
///
/// With `predictionStride` 0 (scheme 1) every symbol is coded with its channel's tree. With
/// `predictionStride` S > 0 (scheme 2, temporal prediction) a symbol at token l >= S of its
/// tile is coded as the wrapped, zigzagged difference to the symbol of the same channel at
/// token l - S (the same position one latent time step earlier) with a second set of
/// per-channel trees.
struct LatentQuantizer {
    let bits: Int
    let channels: Int
    var tokens: Int = 1
    var predictionStride: Int = 0

    var levels: Int { (1 << bits) - 1 }
    /// Probability sets: intra (and predicted, for scheme 2), each channels x 2^bits nodes.
    private var contextCount: Int { (predictionStride > 0 ? 2 : 1) * channels << bits }

    /// Per-channel minimum and maximum of `values`.
    func ranges(_ values: [Float]) -> [(lo: Float, hi: Float)] {
        var lo = [Float](repeating: .infinity, count: channels)
        var hi = [Float](repeating: -.infinity, count: channels)
        var k = 0
        for v in values {
            if v < lo[k] { lo[k] = v }
            if v > hi[k] { hi[k] = v }
            k += 1
            if k == channels { k = 0 }
        }
        return (0..<channels).map { (lo[$0], hi[$0]) }
    }

    /// Symbols in 0...levels, value i quantized against its channel's range.
    func quantize(_ values: [Float], ranges: [(lo: Float, hi: Float)]) -> [UInt16] {
        let maxSymbol = Double(levels)
        let scales = ranges.map { r -> Double in
            let span = Double(r.hi) - Double(r.lo)
            return span > 0 ? maxSymbol / span : 0
        }
        var symbols = [UInt16](repeating: 0, count: values.count)
        var k = 0
        for (i, v) in values.enumerated() {
            let scaled = ((Double(v) - Double(ranges[k].lo)) * scales[k]).rounded()
            symbols[i] = UInt16(min(max(scaled, 0), maxSymbol))
            k += 1
            if k == channels { k = 0 }
        }
        return symbols
    }

    /// The reconstruction of symbol `q` in a channel with range `lo...hi`: the float32
    /// rounding of `lo + q * ((hi - lo) / levels)` evaluated in binary64.
    func dequantize(_ symbols: [UInt16], ranges: [(lo: Float, hi: Float)]) -> [Float] {
        let steps = ranges.map { (Double($0.hi) - Double($0.lo)) / Double(levels) }
        let bases = ranges.map { Double($0.lo) }
        var out = [Float](repeating: 0, count: symbols.count)
        var k = 0
        for (i, q) in symbols.enumerated() {
            out[i] = Float(bases[k] + Double(q) * steps[k])
            k += 1
            if k == channels { k = 0 }
        }
        return out
    }

    /// Range-codes `symbols`, MSB first down a binary tree with one adaptive probability per
    /// (set, channel, tree node).
    func encode(_ symbols: [UInt16]) -> [UInt8] {
        var probabilities = [BitProbability](repeating: BitProbability(), count: contextCount)
        var encoder = RangeEncoder(capacity: symbols.count * bits / 8 + 16)
        let lag = predictionStride * channels
        probabilities.withUnsafeMutableBufferPointer { p in
            var (channel, token) = (0, 0)
            for i in symbols.indices {
                var value = Int(symbols[i])
                var set = 0
                if predictionStride > 0 && token >= predictionStride {
                    value = Self.residual(value, previous: Int(symbols[i - lag]), bits: bits)
                    set = 1
                }
                let base = (set * channels + channel) << bits
                var node = 1
                for shift in stride(from: bits - 1, through: 0, by: -1) {
                    let bit = (value >> shift) & 1
                    encoder.encode(bit, &p[base + node])
                    node = node << 1 | bit
                }
                advance(&channel, &token)
            }
        }
        return encoder.finish()
    }

    /// Decodes `count` symbols; nil when the stream is malformed (bad first byte, too short,
    /// or bytes left over).
    func decode(_ coded: ArraySlice<UInt8>, count: Int) -> [UInt16]? {
        var decoder = RangeDecoder(coded)
        guard decoder.validStart else { return nil }
        var probabilities = [BitProbability](repeating: BitProbability(), count: contextCount)
        var symbols = [UInt16](repeating: 0, count: count)
        let lag = predictionStride * channels
        probabilities.withUnsafeMutableBufferPointer { p in
            var (channel, token) = (0, 0)
            for i in 0..<count {
                let predicted = predictionStride > 0 && token >= predictionStride
                let base = ((predicted ? channels : 0) + channel) << bits
                var node = 1
                for _ in 0..<bits { node = node << 1 | decoder.decode(&p[base + node]) }
                let value = node - (1 << bits)
                symbols[i] = UInt16(predicted ? Self.unresidual(value, previous: Int(symbols[i - lag]), bits: bits)
                                              : value)
                advance(&channel, &token)
                if decoder.overran { return }
            }
        }
        return decoder.consumedExactly ? symbols : nil
    }

    /// Steps (channel, token-in-tile) to the next value of the tile-token-channel layout.
    @inline(__always) private func advance(_ channel: inout Int, _ token: inout Int) {
        channel += 1
        if channel == channels {
            channel = 0
            token += 1
            if token == tokens { token = 0 }
        }
    }

    /// The coded form of `value` given the `previous` symbol: d = value - previous wrapped
    /// into [-2^(bits-1), 2^(bits-1)), then zigzagged (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...).
    @inline(__always) static func residual(_ value: Int, previous: Int, bits: Int) -> Int {
        let m = 1 << bits
        var d = (value - previous) & (m - 1)
        if d >= m >> 1 { d -= m }
        return d >= 0 ? 2 * d : -2 * d - 1
    }

    /// The inverse of `residual`.
    @inline(__always) static func unresidual(_ coded: Int, previous: Int, bits: Int) -> Int {
        let d = coded & 1 == 0 ? coded >> 1 : -((coded + 1) >> 1)
        return (previous + d) & ((1 << bits) - 1)
    }
}
