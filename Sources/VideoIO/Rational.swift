import CFFmpeg

/// An exact rational number such as a frame rate of 30000/1001.
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var num: Int
    public var den: Int

    /// A rational `num/den`, kept as given (see `reduced`).
    public init(num: Int, den: Int) {
        self.num = num
        self.den = den
    }

    /// The value as a Double (0 when the denominator is 0).
    public var doubleValue: Double { den == 0 ? 0 : Double(num) / Double(den) }

    /// True when both parts are positive.
    public var isPositive: Bool { num > 0 && den > 0 }

    /// The same value with a positive denominator and no common factor.
    public var reduced: Rational {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        let g = gcd(num, den)
        guard g != 0 else { return self }
        let sign = den < 0 ? -1 : 1
        return Rational(num: sign * num / g, den: sign * den / g)
    }

    public var description: String { "\(num)/\(den)" }

    init(_ value: AVRational) {
        self.init(num: Int(value.num), den: Int(value.den))
    }

    /// The FFmpeg form; the caller guarantees both parts fit in Int32.
    var av: AVRational { AVRational(num: Int32(clamping: num), den: Int32(clamping: den)) }
}
