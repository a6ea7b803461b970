/// How a stream's frames are spaced in time, from their presentation timestamps: the average
/// rate they imply and whether the spacing is uneven (a variable frame rate).
struct TimestampRhythm: Equatable {
    /// Frames per second over the whole span: (frames - 1) / (last - first timestamp).
    let averageRate: Rational
    /// Whether the gaps between consecutive frames are uneven: more than 5% of them (and at
    /// least two) differ from the median gap by more than 1% plus two time-base units (the
    /// rounding of a millisecond time base). One long last frame or one dropped frame in a
    /// constant-rate stream is not a variable rate.
    let uneven: Bool

    /// The rhythm of `timestamps` (any order, in `timeBase` units); nil for fewer than three
    /// distinct timestamps, which say nothing about a rate.
    init?(_ timestamps: [Int64], timeBase: Rational) {
        var sorted = timestamps.sorted()
        sorted = sorted.enumerated().filter { $0.offset == 0 || sorted[$0.offset - 1] != $0.element }.map(\.element)
        guard sorted.count >= 3, timeBase.isPositive, let first = sorted.first, let last = sorted.last else { return nil }
        let span = Double(last) - Double(first)
        let seconds = span * timeBase.doubleValue
        guard seconds > 0 else { return nil }
        let gaps = zip(sorted.dropFirst(), sorted).map { Double($0) - Double($1) }.sorted()
        let median = gaps[gaps.count / 2]
        let tolerance = 0.01 * median + 2
        let off = gaps.filter { abs($0 - median) > tolerance }.count
        uneven = off >= 2 && Double(off) > 0.05 * Double(gaps.count)
        let fps = Double(sorted.count - 1) / seconds
        averageRate = Rational(num: Int((fps * 1000).rounded()), den: 1000).reduced
        guard averageRate.isPositive else { return nil }
    }
}
