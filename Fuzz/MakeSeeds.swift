// Writes seed .vtk files for the fuzzer corpus (float16, quantized schemes 1 and 2, with audio).
// Compiled with the VTKFormat sources by scripts/fuzz.sh vtk; argument: output directory.
import Foundation

@main
struct MakeSeeds {
    /// SHA-256 of "w", spelled out: the seeds' model digest (VTKFormat has no SHA-256).
    static let wDigest: [UInt8] = [
        0x50, 0xe7, 0x21, 0xe4, 0x9c, 0x01, 0x3f, 0x00, 0xc6, 0x2c, 0xf5, 0x9f, 0x21, 0x63, 0x54, 0x2a,
        0x9d, 0x8d, 0xf0, 0x24, 0x64, 0xef, 0xeb, 0x61, 0x5d, 0x31, 0x05, 0x1b, 0x0f, 0xdd, 0xc3, 0x26,
    ]

    static func main() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[1])
        let settings: [(VTKLatentEncoding, Int)] = [(.float16, 0), (.quantized(bits: 4), 0),
                                                    (.quantized(bits: 8), 0), (.quantized(bits: 5), 2)]
        for (n, (encoding, stride)) in settings.enumerated() {
            let header = VTKHeader(
                modelName: "vitok-fuzz", modelSHA256: wDigest, modelConfigJSON: "{}",
                width: 130, height: 60, frameCount: 20, frameRate: VTKRational(num: 25, den: 1),
                tiling: VTKTiling(mode: .plain, tileWidth: 128, tileHeight: 128, columns: 2, rows: 1),
                tokensPerTile: 4, latentChannels: 3, encoding: encoding, predictionStride: stride,
                metadata: ["source": "a.mp4"])
            let writer = try VTKWriter(url: dir.appendingPathComponent("seed\(n).vtk"), header: header)
            for g in 0..<header.groupCount {
                try writer.appendGroup((0..<header.valuesPerGroup).map { Float(($0 * 7 + g) % 13) / 3 - 2 })
            }
            try writer.setAudio([UInt8]((0..<40).map { UInt8($0) }))
            try writer.finish()
        }
    }
}
