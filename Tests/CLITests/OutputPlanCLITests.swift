import Foundation
import XCTest

/// Issue 30.5, 30.6 and the output plan: no side output (--csv, --plot, a sidecar, --report)
/// may replace an input or another output of the same command, with or without -y, through
/// links or not; such a refusal is a runtime error (exit 1) before any work.
final class OutputPlanCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path
    var dir: URL!

    override func setUpWithError() throws {
        dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("ref.mp4"), width: 40, height: 36, frames: 20)
        let r = try CodecCLI.run(["compress", "ref.mp4", "-o", "dist.vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.mp4").path, withDestinationPath: "ref.mp4")
        try FileManager.default.linkItem(at: dir.appendingPathComponent("dist.vtk"), to: dir.appendingPathComponent("hard.vtk"))
    }

    func contents() throws -> [String: Data] {
        var all: [String: Data] = [:]
        for name in CodecCLI.entries(dir) { all[name] = try Data(contentsOf: dir.appendingPathComponent(name)) }
        return all
    }

    func expectRefused(_ arguments: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try contents()
        let r = try CodecCLI.run(arguments, in: dir)
        XCTAssertEqual(r.status, 1, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        XCTAssertEqual(try contents(), before, "nothing changed: \(arguments)", file: file, line: line)
    }

    func testSideOutputsNeverReplaceAnInput() throws {
        let score = ["score", "ref.mp4", "dist.vtk", "--metrics", "psnr", "--model", model, "-y"]
        try expectRefused(score + ["--csv", "ref.mp4"], "the output ref.mp4 is an input of this command")
        try expectRefused(score + ["--plot", "dist.vtk"], "the output dist.vtk is an input of this command")
        try expectRefused(score + ["--csv", "link.mp4"], "the output link.mp4 is the input ref.mp4 (the same file)")
        try expectRefused(score + ["--plot", "hard.vtk"], "the output hard.vtk is the input dist.vtk (the same file)")
        try expectRefused(score + ["--csv", "t.csv", "--plot", "./t.csv"], "the outputs t.csv and ./t.csv are the same file")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("dist.vtk"), to: dir.appendingPathComponent("side.json"))
        try expectRefused(["latents", "side.json", "-o", "side.npy", "-y"], "the output side.json is an input of this command")
        try expectRefused(["expand", "dist.vtk", "-o", "dist.vtk", "-y", "--model", model], "the output dist.vtk is an input")
        try expectRefused(["expand", "hard.vtk", "-o", "dist.vtk", "-y", "--model", model], "is the input hard.vtk (the same file)")
        let ok = try CodecCLI.run(score + ["--csv", "/dev/null", "--plot", "/dev/null"], in: dir)
        XCTAssertEqual(ok.status, 0, "a device takes any number of outputs: \(ok.stderr)")
    }

    /// The batch report cannot be one of the batch's own .vtk outputs (it used to replace it
    /// and report it "ok", on every rerun).
    func testTheBatchReportIsNotABatchOutput() throws {
        let first = try CodecCLI.run(["compress", "ref.mp4", "-o", "out", "--report", "r.jsonl", "-q", "--model", model], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        let vtk = dir.appendingPathComponent("out/ref.vtk")
        let before = try Data(contentsOf: vtk)
        for extra in [[], ["-y"]] {
            let r = try CodecCLI.run(["compress", "ref.mp4", "-o", "out", "--report", "out/ref.vtk", "-q", "--model", model] + extra, in: dir)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("out/ref.vtk is named for two outputs"), r.stderr)
            XCTAssertEqual(try Data(contentsOf: vtk), before)
        }
    }

    /// The --list file is an input too: the report may not replace it, even with -y.
    func testTheBatchReportIsNotTheListFile() throws {
        try Data("ref.mp4\n".utf8).write(to: dir.appendingPathComponent("l.txt"))
        try expectRefused(["compress", "--list", "l.txt", "-o", "out", "--report", "l.txt", "-y", "--model", model],
                          "the output l.txt is an input of this command")
    }
}
