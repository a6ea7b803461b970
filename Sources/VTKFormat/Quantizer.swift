// Per-channel affine quantization of a group's latents and its entropy coding with the
// binary-tree adaptive range coder. Layout and arithmetic: docs/FORMAT.md, "Quantized latents".

/// Quantizes, codes, decodes and dequantizes one group's latents (channel-fastest layout:
/// value i belongs to channel i % channels).
struct LatentQuantizer {
    let bits: Int
    let channels: Int

    var levels: Int { (1 << bits) - 1 }

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
    /// (channel, tree node).
    func encode(_ symbols: [UInt16]) -> [UInt8] {
        var probabilities = [BitProbability](repeating: BitProbability(), count: channels << bits)
        var encoder = RangeEncoder(capacity: symbols.count * bits / 8 + 16)
        probabilities.withUnsafeMutableBufferPointer { p in
            var base = 0
            let contextStride = 1 << bits
            for q in symbols {
                var node = 1
                for shift in stride(from: bits - 1, through: 0, by: -1) {
                    let bit = Int(q >> shift) & 1
                    encoder.encode(bit, &p[base + node])
                    node = node << 1 | bit
                }
                base += contextStride
                if base == p.count { base = 0 }
            }
        }
        return encoder.finish()
    }

    /// Decodes `count` symbols; nil when the stream is malformed (bad first byte, too short,
    /// or bytes left over).
    func decode(_ coded: ArraySlice<UInt8>, count: Int) -> [UInt16]? {
        var decoder = RangeDecoder(coded)
        guard decoder.validStart else { return nil }
        var probabilities = [BitProbability](repeating: BitProbability(), count: channels << bits)
        var symbols = [UInt16](repeating: 0, count: count)
        probabilities.withUnsafeMutableBufferPointer { p in
            var base = 0
            let contextStride = 1 << bits
            for i in 0..<count {
                var node = 1
                for _ in 0..<bits { node = node << 1 | decoder.decode(&p[base + node]) }
                symbols[i] = UInt16(node - contextStride)
                base += contextStride
                if base == p.count { base = 0 }
                if decoder.overran { return }
            }
        }
        return decoder.consumedExactly ? symbols : nil
    }
}
