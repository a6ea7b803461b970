// Container benchmark: encode/decode speed of the latent encodings on one group of a 1080p
// layout (15 x 9 tiles of 1024 tokens x 16 channels, synthetic Gaussian latents), printed as
// ratios against the float16 path measured in the same run, plus CRC-32 throughput.
// Built and run by `scripts/bench.py container` (release, with the VTKFormat sources).
import Foundation

@main
struct ContainerBench {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func best(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try seconds(body)) }
        return times.min()!
    }

    static func main() throws {
        var state: UInt64 = 1
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let channels = 16, tiles = 15 * 9
        let values = (0..<(tiles * 1024 * channels)).map { i -> Float in
            let g = (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform())
            return Float(g) * Float(1 + i % channels) * 0.3
        }
        let header = VTKHeader(
            modelName: "bench", modelSHA256: [UInt8](repeating: 0, count: 32), modelConfigJSON: "{}",
            width: 1920, height: 1080, frameCount: 16, frameRate: VTKRational(num: 30, den: 1),
            tiling: VTKTiling(mode: .plain, tileWidth: 128, tileHeight: 128, columns: 15, rows: 9),
            tokensPerTile: 1024, latentChannels: channels, encoding: .float16)
        print("one group: \(tiles) tiles x 1024 tokens x \(channels) channels = \(values.count) values")
        var baselineEncode = 0.0, baselineDecode = 0.0
        print("encoding        bytes  bits/value  encode s  decode s  encode/f16  decode/f16")
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 6), .quantized(bits: 8), .quantized(bits: 10)] {
            var h = header
            h.encoding = encoding
            var payload: [UInt8] = []
            let encode = try best(3) { payload = try GroupCoding.encode(values, index: 0, header: h, file: "bench") }
            var decoded: [Float] = []
            let decode = try best(3) {
                decoded = try GroupCoding.decode(payload[...], index: 0, header: h, file: "bench", location: "group 0", payloadOffset: 0)
            }
            precondition(decoded.count == values.count)
            if case .float16 = encoding { baselineEncode = encode; baselineDecode = decode }
            let name = "\(encoding)".replacingOccurrences(of: ", range-coded", with: "")
            print(name.padding(toLength: 14, withPad: " ", startingAt: 0),
                  String(format: "%7d  %10.3f  %8.3f  %8.3f  %10.1f  %10.1f", payload.count,
                         Double(payload.count * 8) / Double(values.count), encode, decode,
                         encode / baselineEncode, decode / baselineDecode))
        }
        let bytes = (0..<(64 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
        let crc = best(3) { _ = CRC32.checksum(bytes) }
        print(String(format: "CRC-32 %.2f GB/s", Double(bytes.count) / crc / 1e9))
    }
}
