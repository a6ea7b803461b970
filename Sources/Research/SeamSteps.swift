import Codec
import Foundation
import VideoIO

/// The step across a set of pixel borders: the summed absolute difference between the two
/// pixel columns (or rows) that meet at each border, in the decoded frames and in the
/// reference at the same places. `ratio` = decoded / reference: 1.0 means the decoder adds
/// no step there, above 1 a seam, below 1 a smoother picture than the reference.
public struct StepSums: Sendable, Codable, Equatable {
    /// Sum of |a - b| over the decoded frames' neighbouring samples at these borders.
    public var decoded: Double = 0
    /// The same sum over the reference frames.
    public var reference: Double = 0
    /// Neighbouring sample pairs summed (pixels x 3 channels).
    public var pairs = 0

    public init(decoded: Double = 0, reference: Double = 0, pairs: Int = 0) {
        self.decoded = decoded
        self.reference = reference
        self.pairs = pairs
    }

    /// Decoded step over reference step (nil where there are no borders or the reference is flat).
    public var ratio: Double? { pairs > 0 && reference > 0 ? decoded / reference : nil }

    /// Pools another measurement of the same kind of border.
    public mutating func add(_ other: StepSums) {
        decoded += other.decoded
        reference += other.reference
        pairs += other.pairs
    }
}

/// Which kind of border lies between pixel `i - 1` and pixel `i` of each axis of a tiled frame:
/// a tile border (where one tile ends or another begins inside the frame), an interior
/// tubelet border (a multiple of the tubelet size inside a tile), or neither.
public struct BorderMap: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case tile, tubelet, interior }

    /// `columns[x]` is the border between columns x - 1 and x (`columns[0]` is unused).
    public let columns: [Kind]
    /// `rows[y]` is the border between rows y - 1 and y (`rows[0]` is unused).
    public let rows: [Kind]

    /// The borders of `layout` with tubelets `tubelet` pixels wide and high.
    public init(layout: TileLayout, tubelet: Int) {
        columns = Self.axis(origins: layout.xOrigins, tile: layout.tileWidth, size: layout.width, tubelet: tubelet)
        rows = Self.axis(origins: layout.yOrigins, tile: layout.tileHeight, size: layout.height, tubelet: tubelet)
    }

    static func axis(origins: [Int], tile: Int, size: Int, tubelet: Int) -> [Kind] {
        var kinds = [Kind](repeating: .interior, count: size)
        if tubelet > 0 {
            for o in origins {
                for k in stride(from: tubelet, to: tile, by: tubelet) where o + k > 0 && o + k < size {
                    kinds[o + k] = .tubelet
                }
            }
        }
        for s in TileLayout.seams(origins: origins, tile: tile, size: size) { kinds[s] = .tile }
        return kinds
    }

    /// The steps of one decoded frame against its reference, per kind of border.
    func steps(decoded: RGBFrame, reference: RGBFrame) -> [Kind: StepSums] {
        let w = decoded.width, h = decoded.height
        let all: [Kind] = [.tile, .tubelet, .interior]
        let columnSlot = columns.map { all.firstIndex(of: $0)! }, rowSlot = rows.map { all.firstIndex(of: $0)! }
        // Per kind: decoded sum, reference sum, pairs.
        var acc = [Int](repeating: 0, count: 9)
        decoded.pixels.withUnsafeBufferPointer { d in
            reference.pixels.withUnsafeBufferPointer { r in
                func add(_ slot: Int, _ p: Int, _ q: Int) {
                    for c in 0..<3 {
                        acc[slot * 3] += abs(Int(d[p + c]) - Int(d[q + c]))
                        acc[slot * 3 + 1] += abs(Int(r[p + c]) - Int(r[q + c]))
                    }
                    acc[slot * 3 + 2] += 3
                }
                for y in 0..<h where w > 1 {
                    for x in 1..<w { add(columnSlot[x], (y * w + x - 1) * 3, (y * w + x) * 3) }
                }
                for y in 1..<max(h, 1) {
                    for x in 0..<w { add(rowSlot[y], ((y - 1) * w + x) * 3, (y * w + x) * 3) }
                }
            }
        }
        var result: [Kind: StepSums] = [:]
        for (i, kind) in all.enumerated() {
            result[kind] = StepSums(decoded: Double(acc[i * 3]), reference: Double(acc[i * 3 + 1]), pairs: acc[i * 3 + 2])
        }
        return result
    }
}
