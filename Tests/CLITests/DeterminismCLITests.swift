import Foundation
import VTKFormat
import VideoIO
import XCTest

/// Every output is identical for any --threads: .vtk bytes, expanded pixels and score
/// numbers, at the real model's row counts, with this machine's OpenBLAS kernels and with the
/// AVX2 (Haswell) kernels that machines without AVX-512 use; at both engine precisions.
final class DeterminismCLITests: XCTestCase {
    /// OpenBLAS kernel choices to run under: the default for this CPU, and AVX2.
    let kernels: [[String: String]] = [[:], ["OPENBLAS_CORETYPE": "Haswell"]]

    func testCompressAndExpandAreIdenticalForOneTwoAndThreeThreads() throws {
        let dir = try CodecCLI.scratch(self)
        let model = try ShallowSB4x8.write(to: dir.appendingPathComponent("sb4x8.safetensors"))
        // 150x128: two 128x128 tiles per group, 17 frames: two groups.
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 150, height: 128, frames: 17)
        for precision in ["float32", "int8"] {
            // int8 also under oneDNN's AVX2 kernels (what CPUs without AVX-512 get).
            let environments = precision == "int8"
                ? [[:], ["OPENBLAS_CORETYPE": "Haswell", "DNNL_MAX_CPU_ISA": "AVX2"]] : kernels
            for (k, environment) in environments.enumerated() {
                let files = try compressAndExpand(dir, model: model, precision: precision,
                                                  tag: "\(precision)-k\(k)", environment: environment)
                let info = try CodecCLI.run(["info", "\(precision)-k\(k)-t1.vtk", "--json"], in: dir)
                let json = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
                let metadata = json?["metadata"] as? [String: String]
                XCTAssertEqual(metadata?["engine_precision"], precision, info.stdout)
                // The automatic attention: bf16 only for int8 on native bf16 kernels (k0 here).
                let bf16 = precision == "int8" && k == 0 && CodecCLI.hasNativeBF16
                XCTAssertEqual(metadata?["engine_attention"], bf16 ? "bf16" : "float32", info.stdout)
                for t in 1..<3 {
                    XCTAssertEqual(files.vtk[t], files.vtk[0],
                                   "compress \(precision): \(t + 1) threads vs 1, kernels \(environment)")
                    XCTAssertEqual(files.frames[t], files.frames[0],
                                   "expand \(precision): \(t + 1) threads vs 1, kernels \(environment)")
                }
            }
        }
        // int8 products are exact integers: oneDNN's AVX2 kernels give the AVX-512 bytes, with
        // attention in float32, which is also what the automatic choice falls back to there.
        let avx2 = try CodecCLI.run(["compress", "in.mp4", "-o", "avx2.vtk", "--model", model.path,
                                     "--precision", "int8", "-q"], in: dir,
                                    environment: ["DNNL_MAX_CPU_ISA": "AVX2"])
        XCTAssertEqual(avx2.status, 0, avx2.stderr)
        let native = try CodecCLI.run(["compress", "in.mp4", "-o", "f32-attention.vtk", "--model",
                                       model.path, "--precision", "int8", "--attention", "float32",
                                       "-q"], in: dir)
        XCTAssertEqual(native.status, 0, native.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("avx2.vtk")),
                       try Data(contentsOf: dir.appendingPathComponent("f32-attention.vtk")))
        let header = try VTKReader(url: dir.appendingPathComponent("avx2.vtk")).header
        XCTAssertEqual(header.metadata["engine_attention"], "float32")
        // bf16 asked for where oneDNN has no native bf16 kernels: a one-line error, no output.
        let refused = try CodecCLI.run(["compress", "in.mp4", "-o", "bf16.vtk", "--model", model.path,
                                        "--attention", "bf16", "-q"], in: dir,
                                       environment: ["DNNL_MAX_CPU_ISA": "AVX512_CORE_VNNI"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("bf16 attention needs a CPU with AVX512_BF16 or AMX"),
                      refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bf16.vtk").path))
    }

    /// Compresses in.mp4 and expands the 1-thread .vtk with 1, 2 and 3 threads.
    private func compressAndExpand(_ dir: URL, model: URL, precision: String, tag: String,
                                   environment: [String: String]) throws
        -> (vtk: [Data], frames: [[[UInt8]]]) {
        var files: [Data] = []
        var frames: [[[UInt8]]] = []
        for threads in 1...3 {
            let name = "\(tag)-t\(threads)"
            let common = ["--model", model.path, "--precision", precision, "--threads", "\(threads)", "-q"]
            let c = try CodecCLI.run(["compress", "in.mp4", "-o", "\(name).vtk"] + common, in: dir,
                                     environment: environment)
            XCTAssertEqual(c.status, 0, c.stderr)
            files.append(try Data(contentsOf: dir.appendingPathComponent("\(name).vtk")))
            let e = try CodecCLI.run(["expand", "\(tag)-t1.vtk", "-o", "\(name).mp4"] + common
                                     + ["--crf", "0", "--preset", "ultrafast"], in: dir,
                                     environment: environment)
            XCTAssertEqual(e.status, 0, e.stderr)
            frames.append(try decodeAll(dir.appendingPathComponent("\(name).mp4")).map(\.pixels))
        }
        XCTAssertEqual(frames[0].count, 17)
        return (files, frames)
    }

    func testScoreReportIsIdenticalForOneTwoAndThreeThreads() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("a.mp4"), width: 64, height: 48, frames: 32)
        try CodecCLI.writeClip(dir.appendingPathComponent("b.mp4"), width: 64, height: 48, frames: 32,
                               rate: Rational(num: 30000, den: 1001), shift: 3)
        for environment in kernels {
            let reports = try [1, 2, 3].map { threads -> String in
                let r = try CodecCLI.run(["score", "a.mp4", "b.mp4", "--json", "--per-frame", "--quiet",
                                          "--threads", "\(threads)"], in: dir, environment: environment)
                XCTAssertEqual(r.status, 0, r.stderr)
                return r.stdout
            }
            XCTAssertTrue(reports[0].contains("\"psnr_mean\""), reports[0])
            XCTAssertEqual(reports[1], reports[0], "2 threads vs 1, kernels \(environment)")
            XCTAssertEqual(reports[2], reports[0], "3 threads vs 1, kernels \(environment)")
        }
    }

    private func decodeAll(_ url: URL) throws -> [RGBFrame] {
        let reader = try VideoReader(url: url)
        var frames: [RGBFrame] = []
        while let frame = try reader.nextFrame() { frames.append(frame) }
        return frames
    }
}

/// A model file with S-B/4x8's layer shapes (width 768, 12 heads, MLP 2048, 1024 tokens of
/// 768 values per 16x128x128 clip, 16 channels) and one block per tower, seeded random F32.
enum ShallowSB4x8 {
    static let config = """
        {"encoder_width": 768, "encoder_depth": 1, "encoder_heads": 12, "encoder_mlp_hidden": 2048, \
        "decoder_width": 768, "decoder_depth": 1, "decoder_heads": 12, "decoder_mlp_hidden": 2048, \
        "latent_channels": 16, "tubelet": [4, 8, 8], "clip": [16, 128, 128], "rope_theta": 10000.0, \
        "rope_pairs": [8, 12, 12]}
        """

    static func shapes() -> [(String, [Int])] {
        var shapes: [(String, [Int])] = []
        for (tower, width) in [("encoder", 768), ("decoder", 768)] {
            let p = "\(tower).blocks.0"
            shapes += [("\(p).norm1.weight", [width]), ("\(p).norm1.bias", [width]),
                       ("\(p).attn.qkv.weight", [3 * width, width]), ("\(p).attn.proj.weight", [width, width]),
                       ("\(p).attn.proj.bias", [width]), ("\(p).norm2.weight", [width]), ("\(p).norm2.bias", [width]),
                       ("\(p).mlp.fc1.weight", [2048, width]), ("\(p).mlp.fc1.bias", [2048]),
                       ("\(p).mlp.fc2.weight", [2048, width]), ("\(p).mlp.fc2.bias", [2048]),
                       ("\(p).mlp.fc3.weight", [width, 2048]), ("\(p).mlp.fc3.bias", [width]),
                       ("\(tower).norm.weight", [width]), ("\(tower).norm.bias", [width])]
        }
        return shapes + [("encoder.patch_embed.weight", [768, 768]), ("encoder.patch_embed.bias", [768]),
                         ("encoder.to_latent.weight", [32, 768]), ("encoder.to_latent.bias", [32]),
                         ("decoder.from_latent.weight", [768, 16]), ("decoder.from_latent.bias", [768]),
                         ("decoder.to_pixels.weight", [768, 768]), ("decoder.to_pixels.bias", [768])]
    }

    /// Writes the safetensors file and returns its URL.
    static func write(to url: URL) throws -> URL {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var header: [String: Any] = ["__metadata__": ["vitok_config": config]]
        var data = Data()
        for (name, shape) in shapes() {
            let count = shape.reduce(1, *)
            let scale = shape.count == 2 ? 1.7 / Float(shape[1]).squareRoot() : 0.1
            let center: Float = name.contains("norm") && name.hasSuffix(".weight") ? 1 : 0
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values[i] = center + scale * (Float(state >> 40) / Float(1 << 24) * 2 - 1)
            }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [data.count, data.count + 4 * count]]
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        try (file + json + data).write(to: url)
        return url
    }
}
