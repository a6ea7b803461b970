import Foundation

/// Peak signal-to-noise ratio of 8-bit RGB frames, peak value 255.
///
/// `PSNR = 10 log10(255^2 / MSE)`, with the mean squared error taken over every R, G and B
/// sample of a frame. Identical frames have an MSE of 0 and a PSNR of `+infinity`.
public enum PSNR {
    /// The peak sample value of 8-bit video.
    public static let peak: Double = 255

    /// Sum of squared differences between two equally long sample buffers (exact).
    public static func squaredErrorSum(_ a: [UInt8], _ b: [UInt8]) -> UInt64 {
        precondition(a.count == b.count, "PSNR needs buffers of equal length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var total: UInt64 = 0
                var start = 0
                // Chunks small enough that a 32-bit partial sum cannot overflow (255^2 * 65536 < 2^32).
                while start < pa.count {
                    let end = min(start + 65536, pa.count)
                    var partial: UInt32 = 0
                    for i in start..<end {
                        let d = Int32(pa[i]) - Int32(pb[i])
                        partial &+= UInt32(d * d)
                    }
                    total += UInt64(partial)
                    start = end
                }
                return total
            }
        }
    }

    /// Mean squared error between two equally long sample buffers.
    public static func meanSquaredError(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard !a.isEmpty else { return 0 }
        return Double(squaredErrorSum(a, b)) / Double(a.count)
    }

    /// PSNR in dB for a mean squared error; `+infinity` when `mse` is 0.
    public static func decibels(mse: Double) -> Double {
        mse > 0 ? 10 * log10(peak * peak / mse) : .infinity
    }

    /// PSNR in dB between two equally long 8-bit sample buffers.
    public static func compute(_ a: [UInt8], _ b: [UInt8]) -> Double {
        decibels(mse: meanSquaredError(a, b))
    }
}
