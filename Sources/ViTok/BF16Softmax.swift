/// The softmax numerators of bf16 attention, made straight into bf16: exp(x - rowmax) needs
/// only bf16 accuracy there, so a shorter polynomial and one pass that rounds as it goes
/// replace `softmaxNumerators` followed by `roundToBF16`.

/// e^x for x <= 0 to about 4e-5 relative error, 50 times finer than a bf16 half-ulp (2^-9):
/// x = n ln2 + r with |r| <= ln2/2, the degree-4 Taylor polynomial for e^r, and 2^n in the
/// exponent bits. Inputs below -87.3 are clamped (their e^x is below every bf16 step that
/// matters next to the row's maximum, 1).
@inline(__always) func expForBF16(_ value: Vec) -> Vec {
    var x = value
    x.replace(with: Vec(repeating: -87.3), where: x .< Vec(repeating: -87.3))
    let shifter = Vec(repeating: 12_582_912)            // 1.5 * 2^23: rounds to an integer
    let t = shifter.addingProduct(x, Vec(repeating: 1.442_695_04))
    let n = t - shifter
    let r = x.addingProduct(n, Vec(repeating: -0.693_147_18))
    var p = Vec(repeating: 1.0 / 6).addingProduct(Vec(repeating: 1.0 / 24), r)
    p = Vec(repeating: 0.5).addingProduct(p, r)
    p = Vec(repeating: 1).addingProduct(p, r)
    p = Vec(repeating: 1).addingProduct(p, r)
    let integer = unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000
    return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vec.self)
}

/// bf16 bit patterns of 16 finite floats, rounded to nearest, ties to even (as `roundToBF16`).
@inline(__always) func roundedToBF16(_ v: Vec) -> SIMD16<UInt16> {
    let bits = unsafeBitCast(v, to: SIMD16<UInt32>.self)
    return SIMD16<UInt16>(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16)
}

/// For each of `rows` rows of `columns` float scores: writes exp(x - rowmax) as bf16 to the
/// same row of `out` and the float sum of those exponentials (before rounding) to `sums`.
func softmaxNumeratorsBF16(_ s: UnsafePointer<Float>, rows: Int, columns: Int,
                           sums: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<UInt16>) {
    let vectorEnd = columns & ~15
    for row in 0..<rows {
        let (p, o) = (s + row * columns, out + row * columns)
        var (best0, best1) = (Vec(repeating: -.infinity), Vec(repeating: -.infinity))
        var i = 0
        while i + 32 <= vectorEnd {
            let (v0, v1) = (load(p + i), load(p + i + 16))
            best0.replace(with: v0, where: v0 .> best0)
            best1.replace(with: v1, where: v1 .> best1)
            i += 32
        }
        while i < vectorEnd {
            let v = load(p + i)
            best0.replace(with: v, where: v .> best0)
            i += 16
        }
        best0.replace(with: best1, where: best1 .> best0)
        var maximum = best0.max()
        for j in vectorEnd..<columns { maximum = max(maximum, p[j]) }
        let shift = Vec(repeating: maximum)
        var (total0, total1) = (Vec.zero, Vec.zero)
        i = 0
        while i + 32 <= vectorEnd {                       // two vectors in flight
            let e0 = expForBF16(load(p + i) - shift), e1 = expForBF16(load(p + i + 16) - shift)
            UnsafeMutableRawPointer(o + i).storeBytes(of: roundedToBF16(e0), as: SIMD16<UInt16>.self)
            UnsafeMutableRawPointer(o + i + 16).storeBytes(of: roundedToBF16(e1), as: SIMD16<UInt16>.self)
            total0 += e0
            total1 += e1
            i += 32
        }
        while i < vectorEnd {
            let e = expForBF16(load(p + i) - shift)
            UnsafeMutableRawPointer(o + i).storeBytes(of: roundedToBF16(e), as: SIMD16<UInt16>.self)
            total0 += e
            i += 16
        }
        var sum = (total0 + total1).sum()
        var tail = Vec.zero
        for j in vectorEnd..<columns { tail[j - vectorEnd] = p[j] - maximum }
        let (e, rounded) = (expForBF16(tail), roundedToBF16(expForBF16(tail)))
        for j in vectorEnd..<columns {
            o[j] = rounded[j - vectorEnd]
            sum += e[j - vectorEnd]
        }
        sums[row] = sum
    }
}
