import Foundation
import SafeTensors

/// The weight matrix of a `Linear`, (out, in) row-major, in one of three states:
/// - `float`: float32 values ready for sgemm (mapped in place, or converted at load);
/// - `int8`: int8 rows in the mapped file with one float scale per row, kept compressed in
///   memory and expanded to float32 into a workspace right before a block runs (so an int8
///   model loads in milliseconds and holds a quarter of the float32 bytes);
/// - `expanded`: such int8 weights after expansion, valid while the workspace is in use.
enum LinearWeight: Sendable {
    case float(FloatTensor)
    case int8(Int8Rows)
    case expanded(SharedPointer<Float>)

    /// The float32 values for sgemm. An `int8` weight must be expanded first.
    var pointer: UnsafePointer<Float> {
        switch self {
        case .float(let tensor): tensor.pointer
        case .expanded(let shared): UnsafePointer(shared.base)
        case .int8: preconditionFailure("int8 weights are used through TransformerBlock.expanded")
        }
    }

    /// The int8 rows when the weight is still compressed.
    var int8Rows: Int8Rows? {
        if case .int8(let rows) = self { rows } else { nil }
    }
}

/// An int8 (rows, cols) matrix inside a mapped safetensors file with one float32 scale per
/// row: value[r][c] = Float(q[r][c]) * scale[r] (per-row symmetric quantization).
struct Int8Rows: @unchecked Sendable {
    let rows: Int
    let columns: Int
    /// The int8 values, (rows, columns) row-major, valid while this value (its mapping) lives.
    let values: UnsafePointer<Int8>
    /// One float32 scale per row.
    let scales: FloatTensor
    /// The mapped file the values live in.
    let mapping: MappedFile

    init(_ entry: TensorEntry, rowScales: FloatTensor) {
        rows = entry.shape[0]
        columns = entry.count / max(rows, 1)
        mapping = entry.mapping
        scales = rowScales
        let base = entry.mapping.base ?? UnsafeRawPointer(bitPattern: 1)!
        values = (base + entry.offset).assumingMemoryBound(to: Int8.self)
    }

    var count: Int { rows * columns }

    /// Writes rows `range` as float32 into `out` (which holds the whole matrix).
    func expand(rows range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let columns = columns
        for row in range {
            let scale = scales.pointer[row]
            let source = values + row * columns, target = out + row * columns
            for i in 0..<columns { target[i] = Float(source[i]) * scale }
        }
    }

    /// Expands each `(matrix, destination)` pair, all rows split over `threads` workers.
    static func expand(_ parts: [(Int8Rows, UnsafeMutablePointer<Float>)], threads: Int) {
        let starts = parts.reduce(into: [0]) { $0.append($0.last! + $1.0.rows) }
        let shared = parts.map { ($0.0, SharedPointer($0.1)) }
        let total = starts.last!
        // Below ~64k values per worker the thread hand-off costs more than it saves.
        let columns = parts.map(\.0.columns).max() ?? 1
        let workers = max(1, min(threads, total * columns / (1 << 16)))
        parallelRanges(total, threads: workers) { range in
            var part = 0
            var row = range.lowerBound
            while row < range.upperBound {
                while starts[part + 1] <= row { part += 1 }
                let end = min(range.upperBound, starts[part + 1])
                let (matrix, out) = shared[part]
                matrix.expand(rows: (row - starts[part])..<(end - starts[part]), into: out.base)
                row = end
            }
        }
    }
}
