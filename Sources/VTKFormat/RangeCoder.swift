// Adaptive binary range coder, integer-only: LZMA's range coder (32-bit range, carry
// propagation through a cached byte) driven by a two-rate probability estimate (the mean of a
// fast and a slow exponentially decaying estimate). Bit-exact on every platform.
// Specified in docs/FORMAT.md, "Range coder".

/// Adaptive model of one binary context: two 16-bit estimates of P(bit = 0) x 65536, one
/// adapting with rate 1/16, one with rate 1/128; the coder uses their mean at 12 bits.
struct BitProbability {
    var fast: UInt16 = 1 << 15
    var slow: UInt16 = 1 << 15

    /// P(bit = 0) x 4096, always in 4...4095.
    @inline(__always) var p12: UInt32 { (UInt32(fast) + UInt32(slow)) >> 5 }

    @inline(__always) mutating func update(_ bit: Int) {
        if bit == 0 {
            fast += UInt16((65536 - UInt32(fast)) >> 4)
            slow += UInt16((65536 - UInt32(slow)) >> 7)
        } else {
            fast -= fast >> 4
            slow -= slow >> 7
        }
    }
}

enum RangeCoderConstants {
    static let probabilityBits: UInt32 = 12
    static let topValue: UInt32 = 1 << 24
}

/// Encodes bits into bytes.
struct RangeEncoder {
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var cache: UInt8 = 0
    private var cacheSize: Int = 1
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func encode(_ bit: Int, _ probability: inout BitProbability) {
        let bound = (range >> RangeCoderConstants.probabilityBits) &* probability.p12
        if bit == 0 {
            range = bound
        } else {
            low &+= UInt64(bound)
            range &-= bound
        }
        probability.update(bit)
        while range < RangeCoderConstants.topValue {
            range <<= 8
            shiftLow()
        }
    }

    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= 1 << 32 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var pending = cache
            repeat {
                bytes.append(pending &+ carry)
                pending = 0xFF
                cacheSize -= 1
            } while cacheSize != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        cacheSize += 1
        low = (low & 0x00FF_FFFF) << 8
    }

    /// Flushes the coder state; `bytes` is complete afterwards.
    mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return bytes
    }
}

/// Decodes bits produced by `RangeEncoder`; running past the end of the input is an error.
struct RangeDecoder {
    private let input: ArraySlice<UInt8>
    private var position: Int
    private var code: UInt32 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    /// Set when the decoder needed a byte past the end of its input.
    private(set) var overran = false

    /// Starts decoding; the first of the 5 priming bytes is always 0 in a valid stream.
    init(_ input: ArraySlice<UInt8>) {
        self.input = input
        self.position = input.startIndex
        for _ in 0..<5 { code = (code << 8) | UInt32(nextByte()) }
    }

    /// True when the first byte was the required 0.
    var validStart: Bool { input.first == 0 }
    /// True when every input byte was consumed and none was missing.
    var consumedExactly: Bool { !overran && position == input.endIndex }

    @inline(__always)
    private mutating func nextByte() -> UInt8 {
        guard position < input.endIndex else { overran = true; return 0 }
        defer { position += 1 }
        return input[position]
    }

    @inline(__always)
    mutating func decode(_ probability: inout BitProbability) -> Int {
        let bound = (range >> RangeCoderConstants.probabilityBits) &* probability.p12
        let bit: Int
        if code < bound {
            range = bound
            bit = 0
        } else {
            code &-= bound
            range &-= bound
            bit = 1
        }
        probability.update(bit)
        while range < RangeCoderConstants.topValue {
            range <<= 8
            code = (code << 8) | UInt32(nextByte())
        }
        return bit
    }
}
