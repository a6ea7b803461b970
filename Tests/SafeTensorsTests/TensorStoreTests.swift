import Foundation
import SafeTensors
import XCTest

/// The header writer round-trips through the reader; the strict store hands out tensors by
/// name and shape and reports what was not taken.
final class TensorStoreTests: XCTestCase {
    private func write(_ tensors: [(SafeTensorsHeader.Tensor, [UInt8])], metadata: [String: String] = [:],
                       name: String = "t.safetensors") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        let bytes = SafeTensorsHeader.encode(tensors.map(\.0), metadata: metadata) + tensors.flatMap(\.1)
        try Data(bytes).write(to: url)
        return url
    }

    private func floatBytes(_ values: [Float]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    func testHeaderIsPaddedAndSorted() {
        let header = SafeTensorsHeader.encode([.init(name: "latents", dtype: .f32, shape: [2, 3])],
                                              metadata: ["b": "2", "a": "1"])
        let length = header.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(length, header.count - 8)
        XCTAssertEqual(length % 8, 0)
        let json = String(decoding: header.dropFirst(8), as: UTF8.self)
        XCTAssertEqual(json.trimmingCharacters(in: .whitespaces),
                       #"{"__metadata__":{"a":"1","b":"2"},"latents":{"data_offsets":[0,24],"dtype":"F32","shape":[2,3]}}"#)
    }

    func testWrittenFileReadsBack() throws {
        let url = try write([(.init(name: "a", dtype: .f32, shape: [2]), floatBytes([1, 2])),
                             (.init(name: "b", dtype: .f32, shape: [1, 3]), floatBytes([3, 4, 5]))],
                            metadata: ["format": "test"])
        let store = try TensorStore(url: url)
        XCTAssertEqual(store.metadata, ["format": "test"])
        XCTAssertEqual(store.names, ["a", "b"])
        XCTAssertEqual(try store.takeFloats("b", shape: [1, 3]), [3, 4, 5])
        XCTAssertThrowsError(try store.finish()) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .unusedTensor)
            XCTAssertEqual((error as? SafeTensorsError)?.tensor, "a")
        }
        XCTAssertEqual(try store.takeFloats("a", shape: [2]), [1, 2])
        XCTAssertNoThrow(try store.finish())
    }

    func testStrictTake() throws {
        let url = try write([(.init(name: "a", dtype: .f32, shape: [2]), floatBytes([1, 2]))])
        let store = try TensorStore(url: url)
        XCTAssertThrowsError(try store.take("a", shape: [1, 2])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .shapeMismatch)
            XCTAssertTrue((error as? SafeTensorsError)?.message.contains("expected [1, 2]") ?? false)
        }
        XCTAssertThrowsError(try store.take("b", shape: [2])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .missingTensor)
            XCTAssertEqual((error as? SafeTensorsError)?.message, "t.safetensors, tensor 'b': missing (expected shape [2])")
        }
    }

    func testInt8RowScales() throws {
        let url = try write([(.init(name: "w", dtype: .i8, shape: [2, 2]), [1, 2, 3, 0xFF]),
                             (.init(name: "w_scale", dtype: .f32, shape: [2]), floatBytes([0.5, 2]))])
        let store = try TensorStore(url: url)
        let weight = try store.take("w", shape: [2, 2])
        XCTAssertEqual(weight.dtype, .i8)
        XCTAssertThrowsError(try weight.floats())
        XCTAssertEqual(try store.takeRowScales(of: weight).floats(), [0.5, 2])
        XCTAssertNoThrow(try store.finish())
    }

    func testShardsMustNotRepeatATensor() throws {
        let a = try write([(.init(name: "x", dtype: .f32, shape: [1]), floatBytes([1]))], name: "a.safetensors")
        let b = try write([(.init(name: "x", dtype: .f32, shape: [1]), floatBytes([2]))], name: "b.safetensors")
        XCTAssertThrowsError(try TensorStore(files: [SafeTensorsFile(url: a), SafeTensorsFile(url: b)])) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.kind, .duplicateTensor)
        }
        XCTAssertThrowsError(try TensorStore(url: a.deletingLastPathComponent().appendingPathComponent("none"))) {
            XCTAssertEqual(($0 as? SafeTensorsError)?.kind, .io)
        }
    }
}
