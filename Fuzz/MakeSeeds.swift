// Writes seed .vtk files for the fuzzer corpus (float16, quantized schemes 1 and 2, with audio).
// Compiled with the VTKFormat sources by scripts/fuzz.sh vtk; argument: output directory.
import Foundation

@main
struct MakeSeeds {
    static func main() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[1])
        let settings: [(VTKLatentEncoding, Int)] = [(.float16, 0), (.quantized(bits: 4), 0),
                                                    (.quantized(bits: 8), 0), (.quantized(bits: 5), 2)]
        for (n, (encoding, stride)) in settings.enumerated() {
            let header = VTKHeader(
                modelName: "vitok-fuzz", modelSHA256: SHA256.hash(Array("w".utf8)), modelConfigJSON: "{}",
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
