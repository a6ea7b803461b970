import Foundation
import VideoIO
import VTKFormat
import XCTest

/// `vtkc compress` in batch mode with the tiny golden model: shards, failure isolation,
/// resume after a kill, and native-resolution preprocessing.
final class BatchCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    /// Every file under `root` (hidden ones included) and its bytes, by relative path.
    static func tree(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let relative = walker?.nextObject() as? String {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// The report's records by input path.
    static func report(_ url: URL) throws -> [String: [String: Any]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        var records: [String: [String: Any]] = [:]
        for line in lines {
            let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(record.keys), ["path", "output", "status", "error", "frames", "groups", "bytes", "seconds"])
            records[try XCTUnwrap(record["path"] as? String)] = record
        }
        XCTAssertEqual(records.count, lines.count, "an input reported twice")
        return records
    }

    /// A dataset directory of four clips in two folders and one corrupt file.
    func makeDataset(_ dir: URL) throws -> [String] {
        let clips = ["data/a.mp4", "data/b.mp4", "data/sub/c.mp4", "data/sub/d.mp4"]
        for (i, path) in clips.enumerated() {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try CodecCLI.writeClip(url, width: 40 + 8 * i, height: 36, frames: 5 + 6 * i, shift: i)
        }
        try Data("not a video at all".utf8).write(to: dir.appendingPathComponent("data/sub/broken.mp4"))
        return clips + ["data/sub/broken.mp4"]
    }

    func testTwoShardsWriteTheFilesOfOneRunAndTheCorruptInputIsReported() throws {
        let dir = try CodecCLI.scratch(self)
        let inputs = try makeDataset(dir)
        let whole = try CodecCLI.run(["compress", "data", "-o", "whole", "--model", model, "--report", "whole.jsonl"], in: dir)
        XCTAssertEqual(whole.status, 1, whole.stderr)
        XCTAssertTrue(whole.stderr.contains("vtkc: 1 of 5 inputs failed"), whole.stderr)
        XCTAssertTrue(whole.stderr.contains("data/sub/broken.mp4"), whole.stderr)
        let records = try Self.report(dir.appendingPathComponent("whole.jsonl"))
        XCTAssertEqual(Set(records.keys), Set(inputs))
        XCTAssertEqual(records["data/sub/broken.mp4"]?["status"] as? String, "failed")
        XCTAssertTrue((records["data/sub/broken.mp4"]?["error"] as? String)?.contains("broken.mp4") ?? false)
        XCTAssertTrue(records["data/sub/broken.mp4"]?["frames"] is NSNull)
        XCTAssertEqual(records["data/sub/c.mp4"]?["status"] as? String, "ok")
        XCTAssertEqual(records["data/sub/c.mp4"]?["output"] as? String, "whole/sub/c.vtk")
        XCTAssertEqual(records["data/sub/c.mp4"]?["frames"] as? Int, 17)
        XCTAssertEqual(records["data/sub/c.mp4"]?["groups"] as? Int, 2)
        let reference = try Self.tree(dir.appendingPathComponent("whole"))
        XCTAssertEqual(Set(reference.keys), ["a.vtk", "b.vtk", "sub/c.vtk", "sub/d.vtk"])
        XCTAssertEqual(records["data/sub/c.mp4"]?["bytes"] as? Int, reference["sub/c.vtk"]?.count)

        var covered: [String] = []
        var statuses: [Int32] = []
        for k in 0..<2 {
            let r = try CodecCLI.run(["compress", "data", "-o", "sharded", "--model", model, "-q",
                                      "--shard", "\(k)/2", "--report", "\(k).jsonl"], in: dir)
            statuses.append(r.status)
            let shard = try Self.report(dir.appendingPathComponent("\(k).jsonl"))
            XCTAssertFalse(shard.isEmpty, "shard \(k)/2 got no input (pick other names)")
            XCTAssertEqual(r.status, shard.keys.contains("data/sub/broken.mp4") ? 1 : 0, r.stderr)
            covered += shard.keys
        }
        XCTAssertEqual(covered.sorted(), inputs.sorted(), "two shards cover every input exactly once")
        XCTAssertEqual(statuses.sorted(), [0, 1])
        XCTAssertEqual(try Self.tree(dir.appendingPathComponent("sharded")), reference)
    }

    /// A batch killed (SIGTERM) in the middle of one input, an output truncated and a stale
    /// staging file of a dead process: the rerun writes only what is missing or broken, and
    /// the directory ends up byte for byte as one uninterrupted run.
    func testKilledBatchResumesToTheSameFiles() throws {
        let dir = try CodecCLI.scratch(self)
        for (i, name) in ["a", "b", "c", "d"].enumerated() {
            // c is long enough to be killed in the middle of.
            try CodecCLI.writeClip(dir.appendingPathComponent("\(name).mp4"), width: i == 2 ? 96 : 36,
                                   height: i == 2 ? 64 : 36, frames: i == 2 ? 400 : 3 + 7 * i, shift: i)
        }
        let inputs = ["a.mp4", "b.mp4", "c.mp4", "d.mp4"]
        let ref = try CodecCLI.run(["compress"] + inputs + ["-o", "ref", "--model", model, "-q"], in: dir)
        XCTAssertEqual(ref.status, 0, ref.stderr)
        let reference = try Self.tree(dir.appendingPathComponent("ref"))
        XCTAssertEqual(reference.keys.sorted(), ["a.vtk", "b.vtk", "c.vtk", "d.vtk"])

        let process = Process()
        process.executableURL = CodecCLI.binary
        process.arguments = ["compress"] + inputs + ["-o", "out", "--model", model, "-q"]
        process.currentDirectoryURL = dir
        try process.run()
        let out = dir.appendingPathComponent("out")
        let deadline = Date().addingTimeInterval(120)
        while !CodecCLI.entries(out).contains(where: { $0.hasPrefix(".c.vtk.") }), Date() < deadline, process.isRunning {
            usleep(20_000)
        }
        XCTAssertTrue(process.isRunning, "the batch finished before the signal; make c.mp4 longer")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 143)
        XCTAssertEqual(CodecCLI.entries(out), ["a.vtk", "b.vtk"], "no staging file left, nothing after the kill")

        // Truncate b.vtk, and plant the staging file a SIGKILLed process (now gone) would leave.
        let b = out.appendingPathComponent("b.vtk")
        try (try Data(contentsOf: b)).prefix(100).write(to: b)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try Data("half".utf8).write(to: out.appendingPathComponent(".d.vtk.\(gone.processIdentifier)-7.partial"))

        let rerun = try CodecCLI.run(["compress"] + inputs + ["-o", "out", "--model", model, "-q", "--report", "r.jsonl"], in: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let statuses = try Self.report(dir.appendingPathComponent("r.jsonl")).mapValues { $0["status"] as? String }
        XCTAssertEqual(statuses, ["a.mp4": "skipped", "b.mp4": "ok", "c.mp4": "ok", "d.mp4": "ok"])
        XCTAssertEqual(try Self.tree(out), reference)

        let again = try CodecCLI.run(["compress"] + inputs + ["-o", "out", "--model", model, "-q", "--report", "r.jsonl"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(Set(try Self.report(dir.appendingPathComponent("r.jsonl")).values.map { $0["status"] as? String }), ["skipped"])
        // Other settings are not the same outputs: everything is rewritten.
        let bits = try CodecCLI.run(["compress"] + inputs + ["-o", "out", "--model", model, "-q", "--bits", "3",
                                                             "--report", "r.jsonl"], in: dir)
        XCTAssertEqual(bits.status, 0, bits.stderr)
        XCTAssertEqual(Set(try Self.report(dir.appendingPathComponent("r.jsonl")).values.map { $0["status"] as? String }), ["ok"])
        XCTAssertNotEqual(try Self.tree(out), reference)
    }

    /// A resumed batch at another --precision rewrites its files instead of keeping them.
    func testAnotherPrecisionRewritesTheBatch() throws {
        let dir = try CodecCLI.scratch(self)
        for (i, name) in ["a", "b"].enumerated() {
            try CodecCLI.writeClip(dir.appendingPathComponent("\(name).mp4"), width: 36, height: 36, frames: 4 + i, shift: i)
        }
        func batch(_ extra: [String]) throws -> Set<String?> {
            let run = try CodecCLI.run(["compress", "a.mp4", "b.mp4", "-o", "out", "--model", model, "-q",
                                        "--report", "r.jsonl"] + extra, in: dir)
            XCTAssertEqual(run.status, 0, run.stderr)
            return Set(try Self.report(dir.appendingPathComponent("r.jsonl")).values.map { $0["status"] as? String })
        }
        func precisions() throws -> Set<String?> {
            Set(try ["a", "b"].map { try VTKReader(url: dir.appendingPathComponent("out/\($0).vtk")).header.metadata["engine_precision"] })
        }
        XCTAssertEqual(try batch([]), ["ok"])
        XCTAssertEqual(try precisions(), ["int8"])
        XCTAssertEqual(try batch(["--precision", "int8"]), ["skipped"])
        XCTAssertEqual(try batch(["--precision", "float32"]), ["ok"])
        XCTAssertEqual(try precisions(), ["float32"])
        XCTAssertEqual(try batch(["--precision", "float32"]), ["skipped"])
    }

    func testResizeAndCenterCropGiveOneTilePerGroup() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 80, height: 48, frames: 20)
        let c = try CodecCLI.run(["compress", "in.mp4", "-o", "c.vtk", "--model", model, "-q",
                                  "--resize", "32", "--crop", "center"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        let info = try CodecCLI.run(["info", "c.vtk", "--json", "--verify"], in: dir)
        let i = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual([i["width"] as? Int, i["height"] as? Int, i["tiles_per_group"] as? Int, i["groups"] as? Int],
                       [32, 32, 1, 2])
        let pre = try XCTUnwrap(i["preprocessing"] as? [String: Any])
        XCTAssertEqual(pre["source_width"] as? Int, 80)
        XCTAssertEqual(pre["source_height"] as? Int, 48)
        XCTAssertEqual(pre["resize"] as? Int, 32)
        XCTAssertEqual(pre["resize_filter"] as? String, "bicubic")
        XCTAssertEqual(pre["crop"] as? String, "center")
        let text = try CodecCLI.run(["info", "c.vtk"], in: dir)
        XCTAssertTrue(text.stdout.contains("80x48 -> short side 32 (bicubic) -> crop center -> 32x32"), text.stdout)
        let e = try CodecCLI.run(["expand", "c.vtk", "-o", "c.mp4", "--model", model, "-q", "--preset", "ultrafast"], in: dir)
        XCTAssertEqual(e.status, 0, e.stderr)
        let expanded = try CodecCLI.probe(dir.appendingPathComponent("c.mp4"))
        XCTAssertEqual([expanded.frames, expanded.width, expanded.height], [20, 32, 32])

        // Resize alone keeps the aspect (80x48 -> 53x32); the filter is recorded.
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "r.vtk", "--model", model, "-q",
                                  "--resize", "32", "--resize-filter", "lanczos"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let header = try VTKReader(url: dir.appendingPathComponent("r.vtk")).header
        XCTAssertEqual([header.width, header.height, header.tiling.tileCount], [53, 32, 2])
        XCTAssertEqual(header.metadata["resize_filter"], "lanczos")
        XCTAssertNil(header.metadata["crop"])
        // Without the options nothing is recorded.
        let plain = try CodecCLI.run(["compress", "in.mp4", "-o", "p.vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let keys = try VTKReader(url: dir.appendingPathComponent("p.vtk")).header.metadata.keys
        XCTAssertEqual(Set(keys), ["source", "source_codec", "engine_precision", "engine_attention"])
    }

    /// The real S-B/4x8 model (skipped when models/vitok-sb4x8 is absent): 128x128 tiles.
    func testResize128AndCenterCropGiveOne128TilePerGroupWithTheRealModel() throws {
        let real = CodecCLI.repo.appendingPathComponent("models/vitok-sb4x8")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: real.path), "models/vitok-sb4x8 is not installed")
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 200, height: 150, frames: 10)
        let c = try CodecCLI.run(["compress", "in.mp4", "-o", "out", "--model", real.path, "-q",
                                  "--resize", "128", "--crop", "center", "--report", "r.jsonl"], in: dir)
        XCTAssertEqual(c.status, 0, c.stderr)
        let header = try VTKReader(url: dir.appendingPathComponent("out/in.vtk")).header
        XCTAssertEqual([header.width, header.height, header.tiling.tileCount, header.groupCount], [128, 128, 1, 1])
        XCTAssertEqual([header.metadata["source_width"], header.metadata["source_height"]], ["200", "150"])
    }

    func testBatchUsageErrorsAndCollisions() throws {
        let dir = try CodecCLI.scratch(self)
        for args in [["compress", "a.mp4", "--resize-filter", "lanczos", "--resize", "0", "-o", "x.vtk"],
                     ["compress", "a.mp4", "--resize-filter", "lanczos", "-o", "x.vtk"],
                     ["compress", "a.mp4", "--resize", "32", "--resize-filter", "wavy", "-o", "x.vtk"],
                     ["compress", "a.mp4", "--crop", "left", "-o", "x.vtk"],
                     ["compress", "a.mp4", "-o", "out", "--shard", "2/2"],
                     ["compress", "a.mp4", "b.mp4", "-o", "-"],
                     ["compress", "-", "b.mp4", "-o", "out"],
                     ["compress", "a.mp4", "b.mp4", "-o", "out", "--json"],
                     ["compress", "-o", "out"]] {
            let r = try CodecCLI.run(args, in: dir)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
        }
        // A folder without videos is a runtime error of its own, not an invalid option.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try Data("text".utf8).write(to: dir.appendingPathComponent("notes/readme.txt"))
        let empty = try CodecCLI.run(["compress", "notes", "-o", "out", "--model", model], in: dir)
        XCTAssertEqual(empty.status, 1, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("no video files (3gp avi"), empty.stderr)
        XCTAssertFalse(empty.stderr.contains("invalid option"), empty.stderr)
        for name in ["x/a.mp4", "y/a.mkv"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(name).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try CodecCLI.writeClip(dir.appendingPathComponent(name), width: 20, height: 20, frames: 2)
        }
        let r = try CodecCLI.run(["compress", "x", "y", "-o", "out", "--model", model], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("a.vtk") && r.stderr.contains("x/a.mp4"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "work started")
        // --list: entries relative to the current directory name their outputs.
        try Data("x/a.mp4\ny/a.mkv\n".utf8).write(to: dir.appendingPathComponent("list.txt"))
        let listed = try CodecCLI.run(["compress", "--list", "list.txt", "-o", "out", "--model", model, "-q"], in: dir)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(Set(try Self.tree(dir.appendingPathComponent("out")).keys), ["x/a.vtk", "y/a.vtk"])
    }

    /// --report replaces an earlier report, refuses any other file unless -y, and never an input.
    func testTheReportReplacesOnlyAnEarlierReport() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("a.mp4"), width: 36, height: 36, frames: 4, shift: 0)
        let notes = dir.appendingPathComponent("notes.txt")
        try Data("my notes\n".utf8).write(to: notes)
        let clip = try Data(contentsOf: dir.appendingPathComponent("a.mp4"))
        func batch(_ report: String, _ extra: [String] = [], output: String = "out") throws -> CodecCLI.Result {
            try CodecCLI.run(["compress", "a.mp4", "-o", output, "--model", model, "-q", "--report", report] + extra, in: dir)
        }
        for extra in [[], ["-y"]] {
            let input = try batch("a.mp4", extra)
            XCTAssertEqual(input.status, 1, input.stderr)
            XCTAssertTrue(input.stderr.contains("the output a.mp4 is an input of this command; name another output"),
                          input.stderr)
        }
        let foreign = try batch("notes.txt")
        XCTAssertEqual(foreign.status, 1, foreign.stderr)
        XCTAssertEqual(foreign.stderr.split(separator: "\n").count, 1, foreign.stderr)
        XCTAssertTrue(foreign.stderr.contains("notes.txt exists and is not a vtkc batch report "
                                              + "(its first line is not a JSON object); name another file, or pass -y"),
                      foreign.stderr)
        XCTAssertEqual(try Data(contentsOf: notes), Data("my notes\n".utf8))
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("a.mp4")), clip)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "no work before the refusal")

        let replaced = try batch("notes.txt", ["-y"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(try Self.report(notes).mapValues { $0["status"] as? String }, ["a.mp4": "ok"])
        // The earlier report is replaced without -y; the new one lists the finished input again.
        let rerun = try batch("notes.txt")
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try Self.report(notes).mapValues { $0["status"] as? String }, ["a.mp4": "skipped"])
        // An empty file and a device are fine too.
        try Data().write(to: dir.appendingPathComponent("empty.jsonl"))
        XCTAssertEqual(try batch("empty.jsonl").status, 0)
        XCTAssertEqual(try Self.report(dir.appendingPathComponent("empty.jsonl")).count, 1)
        XCTAssertEqual(try batch("/dev/null").status, 0)
        // A report inside the output directory that the batch makes.
        let inside = try batch("new/r.jsonl", output: "new")
        XCTAssertEqual(inside.status, 0, inside.stderr)
        XCTAssertEqual(try Self.report(dir.appendingPathComponent("new/r.jsonl")).count, 1)
    }
}
