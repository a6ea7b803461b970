import Foundation
import XCTest
@testable import ViTok

/// The int8 path (EnginePrecision.int8, oneDNN) against the PyTorch reference of the same
/// scheme (training/vitok/int8.py; fixture io-int8.safetensors from
/// `.venv/bin/python scripts/make_fixtures.py golden`), its quantizer against hand-computed
/// codes, and its independence of the thread count at the real model's shapes.
final class Int8EngineTests: XCTestCase {
    /// The reference runs the same integer products exactly; the float parts (LayerNorm,
    /// attention, RoPE) differ from PyTorch's by float32 rounding, measured 7e-7 here (with
    /// oneDNN on AVX-512 VNNI and, DNNL_MAX_CPU_ISA=AVX2, on AVX2). Another BLAS's rounding
    /// could move one activation across a code boundary (about 1e-3 at worst), hence 1e-3:
    /// still 50x below the 5e-2 between the float32 engine and this reference.
    func testInt8MatchesThePyTorchReferenceOfTheScheme() throws {
        let io = try readFloats(Fixtures.io), expected = try readFloats(Fixtures.int8IO)
        // The reference's attention is float32 (bf16 attention is tested in BF16AttentionTests).
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .int8, attention: .float32)
        XCTAssertEqual(model.precision, .int8)
        let latents = model.encode(io["clip"]!, count: 1)
        assertClose(latents, expected["latents"]!, tolerance: 1e-3, "int8 latents")
        let reconstruction = model.decode(io["latents"]!, count: 1)
        assertClose(reconstruction, expected["reconstruction"]!, tolerance: 1e-3,
                    "int8 reconstruction")
        // The reference is not the float32 result: the test sees the int8 arithmetic.
        let float32 = try ViTokModel.load(Fixtures.int8Model, precision: .float32).encode(io["clip"]!, count: 1)
        let gap = zip(float32, expected["latents"]!).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(gap, 1e-2, "float32 and int8 references should differ")
    }

    /// Float weights are quantized at load as the shipped int8 files are made
    /// (scale = max |w| / 127, round half to even), and the int8 path then runs on them.
    func testFloatWeightsAreQuantizedPerRow() throws {
        let weights: [Float] = [0.5, -1.27, 0.005, 0.015, 0, 0, 0, 0]
        let quantized = QuantizedWeight(weights, rows: 2, columns: 4)
        XCTAssertEqual(quantized.scales, [1.27 / 127, 1e-12])
        XCTAssertEqual(Array(UnsafeBufferPointer(start: quantized.values, count: 8)),
                       [50, -127, 0, 2, 0, 0, 0, 0])   // 0.5 and 1.5 code units round to even
        let float = try convertGoldenModel(to: "F32", in: temporaryDirectory(self))
        let io = try readFloats(Fixtures.io)
        let latents = try ViTokModel.load(float, precision: .int8).encode(io["clip"]!, count: 1)
        assertClose(latents, io["latents"]!, tolerance: 0.2, "int8 from float weights vs float32")
    }

    /// One row by hand: lo = -1, hi = 2.81, scale = 3.81 / 127 = 0.03, zero = round(33.33) = 33.
    func testQuantizerCodesScaleAndZeroPoint() {
        var row = [Float](repeating: 0, count: 16)
        row[0] = -1
        row[1] = 2.81
        row[2] = 0.015        // 0.5 in code units: ties to even, 0 + 33
        row[3] = 0.045        // 1.5 code units: 2 + 33
        var codes = [UInt8](repeating: 0, count: 16)
        var scale: Float = 0
        var zero: Int32 = 0
        Int8Kernels.quantize(row, rows: 1, columns: 16, into: &codes, scales: &scale, zeros: &zero)
        XCTAssertEqual(scale, (2.81 - -1) / 127)
        XCTAssertEqual(zero, 33)
        XCTAssertEqual(Array(codes[0..<4]), [0, 127, 33, 35])
        XCTAssertEqual(codes[4], 33, "0 maps to the zero point")
        var flat = [Float](repeating: 0, count: 16)
        Int8Kernels.quantize(flat, rows: 1, columns: 16, into: &codes, scales: &scale, zeros: &zero)
        XCTAssertEqual(scale, 1, "an all-zero row gets scale 1")
        XCTAssertEqual(zero, 0)
        flat[5] = 3
        Int8Kernels.quantize(flat, rows: 1, columns: 16, into: &codes, scales: &scale, zeros: &zero)
        XCTAssertEqual(zero, 0, "a row without negatives has zero point 0")
        XCTAssertEqual(codes[5], 127)
    }

    /// oneDNN reports the instruction set it dispatches to and the kernel it picked.
    func testKernelReport() throws {
        XCTAssertTrue(EngineBenchmark.int8Library.hasPrefix("oneDNN "), EngineBenchmark.int8Library)
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .int8)
        XCTAssertFalse(model.int8Implementations.isEmpty)
        XCTAssertFalse(model.int8Implementations.contains(""))
        XCTAssertEqual(try ViTokModel.load(Fixtures.int8Model, precision: .float32).int8Implementations, [])
    }

    func testLoadRunsAtTheCLIDefaultPrecision() throws {
        // ViTokModel.load and the CLI's --precision share one default, the int8 engine
        XCTAssertEqual(EnginePrecision.default, .int8)
        XCTAssertEqual(try ViTokModel.load(Fixtures.int8Model).precision, .int8)
    }
}
