import VideoIO

/// The rows of a group that tiles are still being blended into: a window of one tile height
/// (for every frame of the group) over the frame, as float weighted sums, and the finished
/// group as 8-bit RGB. `GroupCoder.decode` adds tiles row by row; moving to the next tile row
/// finishes the rows above its origin (no later tile reaches them) and slides the rest up.
struct BlendBand {
    let layout: TileLayout
    let frameCount: Int
    /// Weighted sums of rows `top ..< top + tileHeight`, frame-major: ((t * tileHeight + y - top) * width + x) * 3 + c.
    var sum: [Float]
    /// The first frame row the band holds.
    private(set) var top = 0
    /// The tile row whose tiles are being added.
    private var row = 0
    /// Whether a finished pixel was NaN.
    private(set) var sawNaN = false
    private var pixels: [[UInt8]]
    private let totalX: [Float]
    private let totalY: [Float]

    init(layout: TileLayout, frames: Int) {
        self.layout = layout
        frameCount = frames
        sum = [Float](repeating: 0, count: frames * layout.tileHeight * layout.width * 3)
        pixels = (0..<frames).map { _ in [UInt8](repeating: 0, count: layout.width * layout.height * 3) }
        totalX = GroupCoder.totals(origins: layout.xOrigins, weights: layout.xWeights, size: layout.width)
        totalY = GroupCoder.totals(origins: layout.yOrigins, weights: layout.yWeights, size: layout.height)
        top = layout.yOrigins[0]
    }

    /// Prepares the band for tiles of tile row `next` (rows only go forward).
    mutating func moveTo(row next: Int) {
        while row < next {
            row += 1
            let origin = layout.yOrigins[row]
            finishRows(upTo: origin)
            slide(to: origin)
        }
    }

    /// Finishes every row still held.
    mutating func finish() {
        finishRows(upTo: layout.height)
    }

    /// The group's frames (after `finish`).
    func frames() -> [RGBFrame] {
        pixels.map { RGBFrame(width: layout.width, height: layout.height, pixels: $0) }
    }

    /// Divides rows `top ..< end` (within the band) by their total weight into 8-bit pixels.
    private mutating func finishRows(upTo end: Int) {
        let (w, th) = (layout.width, layout.tileHeight)
        let last = min(end, top + th, layout.height)
        guard last > top else { return }
        let (totalX, totalY, first) = (self.totalX, self.totalY, top)
        var nan = false
        for t in 0..<frameCount {
            sum.withUnsafeBufferPointer { src in
                pixels[t].withUnsafeMutableBufferPointer { dst in
                    for y in first..<last {
                        let s = (t * th + y - first) * w * 3
                        for x in 0..<w {
                            let inverse = 1 / (totalX[x] * totalY[y])
                            let i = (y * w + x) * 3
                            for c in 0..<3 {
                                let v = ((src[s + x * 3 + c] * inverse + 1) * 127.5).rounded()
                                if v.isNaN { nan = true }
                                dst[i + c] = v.isNaN ? 0 : UInt8(max(0, min(255, v)))
                            }
                        }
                    }
                }
            }
        }
        if nan { sawNaN = true }
    }

    /// Moves the band's window to start at frame row `origin`, keeping the sums of the rows
    /// it still covers and zeroing the rest.
    private mutating func slide(to origin: Int) {
        let (w, th) = (layout.width, layout.tileHeight)
        let shift = origin - top
        guard shift > 0 else { return }
        let rowValues = w * 3
        for t in 0..<frameCount {
            let frameBase = t * th * rowValues
            for y in 0..<th {
                let destination = frameBase + y * rowValues
                if y + shift < th {
                    let source = frameBase + (y + shift) * rowValues
                    for i in 0..<rowValues { sum[destination + i] = sum[source + i] }
                } else {
                    for i in 0..<rowValues { sum[destination + i] = 0 }
                }
            }
        }
        top = origin
    }
}
