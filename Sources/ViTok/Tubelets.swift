/// Conversion between channel-last clips (T x H x W x 3) and tubelet tokens (docs/MODEL.md):
/// tokens in time-major raster order t, h, w; each token's values in
/// (c, dt, dy, dx) order.
struct Tubelets: Sendable {
    let clip: [Int]
    let tubelet: [Int]
    let grid: [Int]

    init(config: ViTokConfig) {
        clip = config.clip
        tubelet = config.tubelet
        grid = config.grid
    }

    var tokens: Int { grid[0] * grid[1] * grid[2] }
    var patchDim: Int { 3 * tubelet[0] * tubelet[1] * tubelet[2] }

    /// Calls `body(token, element, pixelOffset)` for every value of one clip, where
    /// pixelOffset indexes the channel-last clip and (token, element) the token matrix.
    @inline(__always)
    private func forEachValue(_ body: (Int, Int, Int) -> Void) {
        let (q, py, px) = (tubelet[0], tubelet[1], tubelet[2])
        let (height, width) = (clip[1], clip[2])
        var token = 0
        for gt in 0..<grid[0] {
            for gy in 0..<grid[1] {
                for gx in 0..<grid[2] {
                    var element = 0
                    for channel in 0..<3 {
                        for dt in 0..<q {
                            for dy in 0..<py {
                                let rowStart = ((gt * q + dt) * height + gy * py + dy) * width
                                for dx in 0..<px {
                                    body(token, element, (rowStart + gx * px + dx) * 3 + channel)
                                    element += 1
                                }
                            }
                        }
                    }
                    token += 1
                }
            }
        }
    }

    /// Writes the token matrix (tokens x patchDim) of the clip at `pixels`.
    func patchify(_ pixels: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let dim = patchDim
        forEachValue { token, element, offset in out[token * dim + element] = pixels[offset] }
    }

    /// Writes the channel-last clip of the token matrix `tokens`, clamped to [-1, 1].
    func unpatchify(_ tokens: UnsafePointer<Float>, into pixels: UnsafeMutablePointer<Float>) {
        let dim = patchDim
        forEachValue { token, element, offset in
            pixels[offset] = min(max(tokens[token * dim + element], -1), 1)
        }
    }
}
