@testable import Codec
@testable import Datasets
import SHA256Oracle
import VideoIO
import XCTest

/// The batch's input catalog, output naming, shard assignment and size parsing.
final class BatchPlanTests: XCTestCase {
    private func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vtkc-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    private func touch(_ dir: URL, _ paths: [String]) throws {
        for path in paths {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
    }

    func testDirectoryWalkTakesVideoExtensionsInByteOrder() throws {
        let dir = try scratch()
        try touch(dir, ["b.mp4", "a/Z.MKV", "a/notes.txt", "a/deep/c.y4m", "B.webm", "é.mov", "x.vtk"])
        // A link to a file counts; a link to a directory is not followed.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.avi").path,
                                                   withDestinationPath: dir.appendingPathComponent("b.mp4").path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path,
                                                   withDestinationPath: dir.path)
        let entries = try InputCatalog.collect(arguments: [dir.path], extensions: InputCatalog.videoExtensions)
        XCTAssertEqual(entries.map(\.relativePath), ["B.webm", "a/Z.MKV", "a/deep/c.y4m", "b.mp4", "link.avi", "é.mov"])
        XCTAssertEqual(entries[1].path, dir.path + "/a/Z.MKV")
        XCTAssertEqual(entries.map { $0.relativePath(withExtension: "vtk") }.first, "B.vtk")
        let vtk = try InputCatalog.collect(arguments: [dir.path + "/"], extensions: InputCatalog.vtkExtensions)
        XCTAssertEqual(vtk, [CatalogEntry(path: dir.path + "/x.vtk", relativePath: "x.vtk")])
    }

    func testFileArgumentsAndListEntriesNameTheirOutputs() throws {
        let dir = try scratch()
        let list = dir.appendingPathComponent("list.txt")
        try Data("clips/a.mp4\n./clips//b.mkv\r\n\n   \n/abs/c.mp4\n../up/d.avi\nclips/../e.mp4\nplain\n".utf8).write(to: list)
        let entries = try InputCatalog.collect(arguments: ["some/where/f.mp4"], listFile: list.path,
                                               extensions: InputCatalog.videoExtensions)
        XCTAssertEqual(entries.map(\.relativePath), ["c.mp4", "clips/a.mp4", "clips/b.mkv", "d.avi", "e.mp4", "f.mp4", "plain"])
        XCTAssertEqual(entries.map(\.path), ["/abs/c.mp4", "clips/a.mp4", "./clips//b.mkv", "../up/d.avi",
                                             "clips/../e.mp4", "some/where/f.mp4", "plain"])
        XCTAssertEqual(entries.last?.relativePath(withExtension: "vtk"), "plain.vtk")
        XCTAssertEqual(CatalogEntry(path: "", relativePath: "a/.hidden").relativePath(withExtension: "vtk"), "a/.hidden.vtk")
        XCTAssertThrowsError(try InputCatalog.collect(arguments: [], listFile: dir.appendingPathComponent("none").path,
                                                      extensions: InputCatalog.videoExtensions))
    }

    func testTwoInputsWithOneOutputAreRefusedBeforeWork() throws {
        let entries = [CatalogEntry(path: "x/a.mp4", relativePath: "a.mp4"),
                       CatalogEntry(path: "y/a.mkv", relativePath: "a.mkv")]
        XCTAssertThrowsError(try BatchCompressor.plan(entries, outputDirectory: "out")) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("x/a.mp4") && message.contains("y/a.mkv") && message.contains("a.vtk"), message)
        }
        let items = try BatchCompressor.plan([entries[0]], outputDirectory: "out/")
        XCTAssertEqual(items, [BatchItem(input: "x/a.mp4", output: "out/a.vtk", relativeOutput: "a.vtk")])
    }

    func testShardsPartitionTheInputsByTheHashOfTheOutputName() throws {
        // python3 -c "import hashlib; print(int.from_bytes(hashlib.sha256(b'a.vtk').digest()[:8], 'big'))"
        XCTAssertEqual(ShardPlan.shard(of: "a.vtk", count: 5), Int(UInt64(14565611427372291123) % 5))
        XCTAssertEqual(ShardPlan.shard(of: "sub/b.vtk", count: 3), Int(UInt64(11568110220873836129) % 3))
        XCTAssertEqual(ShardPlan.shard(of: "clips/x y.vtk", count: 2), Int(UInt64(16391708420173684784) % 2))
        XCTAssertEqual(WeightDigest.sha256(bytes: Array("sub/b.vtk".utf8)), SHA256.hash(Array("sub/b.vtk".utf8)))
        let names = (0..<200).map { "clips/\($0 % 7)/clip-\($0).vtk" }
        for count in 1...6 {
            let shards = try (0..<count).map { try ShardPlan(index: $0, count: count) }
            for name in names {
                XCTAssertEqual(shards.filter { $0.contains(name) }.count, 1, "\(name) in \(count) shards")
            }
            if count > 1 {
                XCTAssertTrue(shards.allSatisfy { shard in names.contains { shard.contains($0) } }, "an empty shard of \(count)")
            }
        }
        XCTAssertEqual(try ShardPlan(parsing: "3/4"), try ShardPlan(index: 3, count: 4))
        for bad in ["4/4", "-1/4", "0/0", "1", "a/b", "1/2/3", ""] {
            XCTAssertThrowsError(try ShardPlan(parsing: bad), bad)
        }
    }

    func testByteSizes() throws {
        let cases: [(String, Int)] = [("1GB", 1_000_000_000), ("1gb", 1_000_000_000), ("500MB", 500_000_000),
                                      ("2KiB", 2048), ("1.5G", 1_500_000_000), ("4096", 4096), ("3 MiB", 3 << 20),
                                      ("1T", 1_000_000_000_000), ("10k", 10_000)]
        for (text, bytes) in cases { XCTAssertEqual(try ByteSize.parse(text), bytes, text) }
        for bad in ["", "GB", "1XB", "0", "-5MB", "1e3"] {
            XCTAssertThrowsError(try ByteSize.parse(bad), bad)
        }
    }

    func testResizeKeepsTheAspectWithTheShortSideGiven() {
        let s = FrameScaling(shortSide: 128)
        XCTAssertTrue(s.outputSize(width: 320, height: 240) == (171, 128))
        XCTAssertTrue(s.outputSize(width: 240, height: 320) == (128, 171))
        XCTAssertTrue(s.outputSize(width: 1920, height: 1080) == (228, 128))
        XCTAssertTrue(s.outputSize(width: 50, height: 50) == (128, 128))
        XCTAssertTrue(FrameScaling(shortSide: 32).outputSize(width: 80, height: 48) == (53, 32))
        XCTAssertTrue(FrameScaling(shortSide: 2).outputSize(width: 3, height: 4) == (2, 3), "2.67 rounds to 3")
    }
}
