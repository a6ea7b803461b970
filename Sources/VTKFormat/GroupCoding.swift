// Group record payloads: u32 group index, then the latents in the header's encoding
// (float16 values, or per-channel ranges + range-coded symbols). docs/FORMAT.md, "Group record".

enum GroupCoding {
    /// Largest number of (channel, tree node) contexts the quantized coder may allocate.
    static let maxCoderContexts = 1 << 24

    /// The payload of group `index`; throws `.invalidLatents` for a wrong count, NaN/Inf, or
    /// (float16) values beyond the half-precision range.
    static func encode(_ latents: [Float], index: Int, header: VTKHeader, file: String) throws -> [UInt8] {
        let expected = header.valuesPerGroup
        guard latents.count == expected else {
            throw invalid(file, index, "has \(latents.count) latent values, expected \(expected) "
                + "(\(header.tiling.tileCount) tiles x \(header.tokensPerTile) tokens x \(header.latentChannels) channels)")
        }
        if let bad = latents.firstIndex(where: { !$0.isFinite }) {
            throw invalid(file, index, "latent value \(bad) \(describe(bad, header)) is \(latents[bad]); "
                + "the encoder produced a non-finite latent")
        }
        var out = ByteWriter()
        out.bytes.reserveCapacity(4 + 2 * latents.count)
        out.u32(UInt32(index))
        switch header.encoding {
        case .float16:
            for (i, v) in latents.enumerated() {
                let half = Float16(v)
                guard half.isFinite else {
                    throw invalid(file, index, "latent value \(i) \(describe(i, header)) is \(v), beyond the float16 "
                        + "range (+-65504); use the quantized encoding")
                }
                out.u16(half.bitPattern)
            }
        case .quantized(let bits):
            let plain = LatentQuantizer(bits: bits, channels: header.latentChannels)
            let ranges = plain.ranges(latents)
            for r in ranges {
                out.f32(r.lo)
                out.f32(r.hi)
            }
            let symbols = plain.quantize(latents, ranges: ranges)
            let intra = plain.encode(symbols)
            guard header.predictionStride > 0 else {
                out.raw(intra)
                break
            }
            // Scheme 2: the group is coded both ways and keeps the shorter (mode byte first).
            var temporal = plain
            temporal.tokens = header.tokensPerTile
            temporal.predictionStride = header.predictionStride
            let predicted = temporal.encode(symbols)
            out.u8(predicted.count < intra.count ? 1 : 0)
            out.raw(predicted.count < intra.count ? predicted : intra)
        }
        return out.bytes
    }

    /// Decodes a group payload whose CRC was already verified.
    static func decode(_ payload: ArraySlice<UInt8>, index: Int, header: VTKHeader, file: String,
                       location: String, payloadOffset: Int) throws -> [Float] {
        var r = ByteReader(payload, baseOffset: payloadOffset, file: file, location: location)
        let storedIndex = try r.u32("group index")
        guard storedIndex == UInt32(truncatingIfNeeded: index) else {
            throw r.error("holds group \(storedIndex), expected group \(index) (records out of order)")
        }
        let count = header.valuesPerGroup
        switch header.encoding {
        case .float16:
            guard r.remaining == 2 * count else {
                throw r.error("float16 latents take \(r.remaining) bytes, expected \(2 * count)")
            }
            var out = [Float](repeating: 0, count: count)
            let body = try r.take(2 * count, "float16 latents")
            var p = body.startIndex
            for i in 0..<count {
                let value = Float(Float16(bitPattern: UInt16(body[p]) | UInt16(body[p + 1]) << 8))
                guard value.isFinite else {
                    throw VTKFormatError(.malformed, file: file, location: location, offset: r.fileOffset - 2 * count + 2 * i,
                                         "latent value \(i) \(describe(i, header)) is \(value); a writer stores finite values only")
                }
                out[i] = value
                p += 2
            }
            return out
        case .quantized(let bits):
            let channels = header.latentChannels
            var ranges: [(lo: Float, hi: Float)] = []
            ranges.reserveCapacity(channels)
            for k in 0..<channels {
                let at = r.fileOffset
                let lo = try r.f32("channel \(k) minimum"), hi = try r.f32("channel \(k) maximum")
                guard lo.isFinite, hi.isFinite, lo <= hi else {
                    throw VTKFormatError(.malformed, file: file, location: location, offset: at,
                                         "channel \(k) range \(lo)...\(hi) is not a finite interval")
                }
                ranges.append((lo, hi))
            }
            var quantizer = LatentQuantizer(bits: bits, channels: channels)
            if header.predictionStride > 0 {
                let modeAt = r.fileOffset
                switch try r.u8("prediction mode") {
                case 0: break
                case 1:
                    quantizer.tokens = header.tokensPerTile
                    quantizer.predictionStride = header.predictionStride
                case let mode:
                    throw VTKFormatError(.malformed, file: file, location: location, offset: modeAt,
                                         "prediction mode \(mode) is not 0 (intra) or 1 (temporal)")
                }
            }
            let codedAt = r.fileOffset
            guard let symbols = quantizer.decode(try r.take(r.remaining, "coded latents"), count: count) else {
                throw VTKFormatError(.malformed, file: file, location: location, offset: codedAt,
                                     "range-coded latents are malformed (wrong start byte, too short or too long)")
            }
            return quantizer.dequantize(symbols, ranges: ranges)
        }
    }

    private static func describe(_ i: Int, _ header: VTKHeader) -> String {
        let c = header.latentChannels, l = header.tokensPerTile
        return "(tile \(i / (c * l)), token \(i / c % l), channel \(i % c))"
    }

    private static func invalid(_ file: String, _ index: Int, _ message: String) -> VTKFormatError {
        VTKFormatError(.invalidLatents, file: file, location: "group \(index)", message)
    }
}

extension GroupCoding {
    /// Payload lengths a valid group record of `header` can have: exact for float16; for the
    /// range coder, at most 16 bits per coded binary decision (the coder's worst case is
    /// log2(4096/4) = 10 bits) plus the 5 flush bytes.
    static func maxPayloadLength(_ header: VTKHeader) -> ClosedRange<Int> {
        let n = header.valuesPerGroup
        switch header.encoding {
        case .float16: return (4 + 2 * n)...(4 + 2 * n)
        case .quantized(let bits):
            let fixed = 4 + 8 * header.latentChannels + (header.predictionStride > 0 ? 1 : 0)
            return (fixed + 5)...(fixed + 2 * n * bits + 5)
        }
    }
}
