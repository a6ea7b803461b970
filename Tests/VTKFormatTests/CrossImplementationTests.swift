import Foundation
import XCTest
@testable import VTKFormat

/// Files written by the independent Python implementation of docs/FORMAT.md
/// (scripts/vtk_reference.py). Fixtures made by:
///     .venv/bin/python scripts/vtk_reference.py fixtures Tests/VTKFormatTests/Fixtures
/// Swift must decode them to exactly the values Python decoded, and writing the same input
/// must give the same bytes: the spec, not this code, defines the format.
final class CrossImplementationTests: XCTestCase {
    private func fixture(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw XCTSkip("fixture \(name) missing")
        }
        return url
    }

    private func floats(_ name: String) throws -> [Float] {
        let bytes = [UInt8](try Data(contentsOf: try fixture(name)))
        var values: [Float] = []
        for i in stride(from: 0, to: bytes.count, by: 4) {
            var bits: UInt32 = 0
            for j in 0..<4 { bits |= UInt32(bytes[i + j]) << (8 * UInt32(j)) }
            values.append(Float(bitPattern: bits))
        }
        return values
    }

    private func check(_ name: String, _ encoding: VTKLatentEncoding, predictionStride: Int = 0) throws {
        let url = try fixture("\(name).vtk")
        let reader = try VTKReader(url: url)
        let header = reader.header
        XCTAssertEqual(header.modelName, "vitok-ref")
        XCTAssertEqual(header.modelSHA256, Array(0..<32))
        XCTAssertEqual(header.frameRate, VTKRational(num: 30000, den: 1001))
        XCTAssertEqual(header.pixelAspect, VTKRational(num: 4, den: 3))
        XCTAssertEqual(header.tiling, VTKTiling(mode: .overlap, tileWidth: 128, tileHeight: 128, overlapX: 106,
                                                overlapY: 0, columns: 2, rows: 1))
        XCTAssertEqual(header.encoding, encoding)
        XCTAssertEqual(header.predictionStride, predictionStride)
        XCTAssertEqual(header.metadata, ["source": "ref.mp4", "codec": "h264", "rotation": "0"])
        var decoded: [Float] = []
        while let g = try reader.nextGroup() { decoded += g }
        XCTAssertEqual(decoded, try floats("\(name).decoded.f32"), "decoded values differ from Python's")
        let audio = try reader.audio()
        XCTAssertEqual(audio, Array("\u{01}\u{02}opaque audio".utf8) + [0xFF])

        let input = try floats("\(name).input.f32")
        let n = header.valuesPerGroup
        let groups = stride(from: 0, to: input.count, by: n).map { Array(input[$0..<($0 + n)]) }
        let ours = try encodedBytes(header, groups, audio: audio)
        XCTAssertEqual(ours, Array(try Data(contentsOf: url)), "Swift writer bytes differ from Python's")
    }

    func testFloat16FileFromPython() throws { try check("ref-f16", .float16) }
    func testQuantizedFileFromPython() throws { try check("ref-q6", .quantized(bits: 6)) }
    func testTemporalResidualFileFromPython() throws {
        try check("ref-q5-temporal", .quantized(bits: 5), predictionStride: 2)
    }
}
