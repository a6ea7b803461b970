#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// Hostile environments (issue 30): closed pipes, FIFOs where files are expected, signals,
/// odd inputs. Every case ends with a clear status and no partial output.
final class HostileEnvironmentCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path
    var dir: URL!

    override func setUpWithError() throws {
        dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 20)
    }

    /// Runs vtkc with stdout or stderr a pipe nobody reads (closed before the start); kills it
    /// after `timeout` seconds so a hang fails the test instead of stopping the suite.
    func runBroken(_ arguments: [String], closing stream: Int32, timeout: Double = 60,
                   environment: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = CodecCLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let broken = Pipe(), other = Pipe()
        try broken.fileHandleForReading.close()
        process.standardOutput = stream == STDOUT_FILENO ? broken : other
        process.standardError = stream == STDERR_FILENO ? broken : other
        try process.run()
        Thread { _ = other.fileHandleForReading.readDataToEndOfFile() }.start()
        return try wait(process, timeout: timeout)
    }

    func wait(_ process: Process, timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            XCTFail("vtkc hung: \(process.arguments ?? [])")
        }
        return process.terminationStatus
    }

    func partials(_ url: URL) -> [String] { CodecCLI.entries(url).filter { $0.hasSuffix(".partial") } }

    /// Issue 30.3: a closed stdout or stderr ends the command with 141 and nothing partial.
    func testAClosedPipeEndsTheCommandCleanly() throws {
        XCTAssertEqual(try runBroken(["compress", "in.mp4", "-o", "x.vtk", "-y", "--json", "-q", "--model", model],
                                     closing: STDOUT_FILENO), 141)
        XCTAssertEqual(try runBroken(["expand", "x.vtk", "-o", "o.mp4", "--model", model], closing: STDERR_FILENO), 141)
        XCTAssertEqual(try runBroken(["info", "x.vtk"], closing: STDOUT_FILENO), 141)
        let clips = dir.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: clips, withIntermediateDirectories: true)
        for name in ["a", "b", "c"] {
            try FileManager.default.copyItem(at: dir.appendingPathComponent("in.mp4"), to: clips.appendingPathComponent("\(name).mp4"))
        }
        XCTAssertEqual(try runBroken(["compress", "clips", "-o", "out", "--report", "r.jsonl", "--model", model],
                                     closing: STDERR_FILENO), 141)
        XCTAssertEqual(partials(dir), [], "no report staging left")
        XCTAssertEqual(partials(dir.appendingPathComponent("out")), [])
    }

    /// Issue 30.4: FIFOs are refused at once, never opened for reading.
    func testFIFOsWhereFilesBelongAreRefusedWithoutBlocking() throws {
        let fifo = dir.appendingPathComponent("m.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let shards = dir.appendingPathComponent("shards")
        try FileManager.default.copyItem(at: CodecCLI.tinyModel, to: shards)
        XCTAssertEqual(mkfifo(shards.appendingPathComponent("model-00004.safetensors").path, 0o600), 0)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("f.vtk").path, 0o600), 0)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("f.mp4").path, 0o600), 0)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("f.txt").path, 0o600), 0)
        let cases: [([String], String)] = [
            (["compress", "in.mp4", "-o", "a.vtk", "--model", "m.safetensors"], "m.safetensors: is a FIFO, not a regular file"),
            (["compress", "in.mp4", "-o", "a.vtk", "--model", "shards"], "model-00004.safetensors: is a FIFO, not a regular file"),
            (["expand", "f.vtk", "-o", "o.mp4", "--model", model], "f.vtk: is a FIFO, not a regular file"),
            (["info", "f.vtk"], "f.vtk: is a FIFO, not a regular file"),
            (["compress", "f.mp4", "-o", "a.vtk", "--model", model], "f.mp4: is a FIFO, not a regular file"),
            (["compress", "/dev/zero", "-o", "a.vtk", "--model", model], "/dev/zero: is a character device, not a regular file"),
            (["expand", ".", "-o", "o.mp4", "--model", model], "is a directory, not a regular file"),
            (["compress", "--list", "f.txt", "-o", "out", "--model", model], "list file f.txt is a FIFO, not a regular file"),
        ]
        for (arguments, message) in cases {
            let process = Process()
            process.executableURL = CodecCLI.binary
            process.arguments = arguments
            process.currentDirectoryURL = dir
            let err = Pipe()
            process.standardError = err
            process.standardOutput = Pipe()
            try process.run()
            XCTAssertEqual(try wait(process, timeout: 30), 1, "\(arguments)")
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertTrue(text.contains(message), "\(arguments): \(text)")
            XCTAssertEqual(text.split(separator: "\n").count, 1, text)
        }
        XCTAssertFalse(CodecCLI.entries(dir).contains("a.vtk"))
    }

    /// Issue 30.7: replacing a file keeps its permission bits, for compress as for the rest.
    func testReplacingAnOutputKeepsItsMode() throws {
        for mode: mode_t in [0o600, 0o444, 0o4755] {
            let out = dir.appendingPathComponent("m.vtk").path
            FileManager.default.createFile(atPath: out, contents: Data("old".utf8))
            XCTAssertEqual(chmod(out, mode), 0)
            let r = try CodecCLI.run(["compress", "in.mp4", "-o", "m.vtk", "-y", "-q", "--model", model], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            var info = stat()
            XCTAssertEqual(stat(out, &info), 0)
            XCTAssertEqual(info.st_mode & 0o7777, mode, String(mode, radix: 8))
            XCTAssertGreaterThan(info.st_size, 100)
            try FileManager.default.removeItem(atPath: out)
        }
    }

    /// Issue 30.8: any terminating signal (not only INT and TERM) removes the staging files,
    /// beside a regular output and in the temporary folder for a FIFO output.
    func testEveryTerminatingSignalRemovesTheStagingFile() throws {
        let tmp = dir.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("pipe.vtk").path, 0o600), 0)
        for (signal, output, staging) in [(SIGHUP, "s.vtk", dir!), (SIGUSR1, "s.vtk", dir!), (SIGALRM, "s.vtk", dir!),
                                          (SIGHUP, "pipe.vtk", tmp), (SIGXCPU, "pipe.vtk", tmp)] {
            let process = Process()
            process.executableURL = CodecCLI.binary
            process.arguments = ["compress", "-", "-o", output, "--model", model, "-q"]
            process.currentDirectoryURL = dir
            process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
            let input = Pipe()
            process.standardInput = input
            process.standardError = Pipe()
            try process.run()
            // Standard input stays open and empty: vtkc waits with its staging file created.
            let deadline = Date().addingTimeInterval(20)
            while partials(staging).isEmpty && Date() < deadline { usleep(20_000) }
            XCTAssertFalse(partials(staging).isEmpty, "staging file of \(output) appeared")
            usleep(100_000)
            kill(process.processIdentifier, signal)
            XCTAssertEqual(try wait(process, timeout: 20), 128 + signal, "signal \(signal)")
            XCTAssertEqual(partials(staging), [], "signal \(signal), \(output)")
            try? input.fileHandleForWriting.close()
        }
    }

    /// Issue 30.8: a batch rerun removes the report's stale staging file as it does the .vtk ones.
    func testABatchRerunRemovesTheReportsStaleStaging() throws {
        let stale = dir.appendingPathComponent(".r.jsonl.2147483646-7.partial")
        FileManager.default.createFile(atPath: stale.path, contents: Data("half".utf8))
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "out", "--report", "r.jsonl", "-q", "--model", model], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(partials(dir), [])
    }

    /// Issue 30.9 and 30.13: compress refuses a frame expand could not write, with expand's
    /// message, and a Y4M declaring 65535x65535 before reading a frame.
    func testFramesLargerThanExpandWritesAreRefused() throws {
        func y4m(_ name: String, width: Int, height: Int, frames: Int) throws {
            var bytes = Array("YUV4MPEG2 W\(width) H\(height) F25:1 Ip A1:1 C420jpeg\n".utf8)
            for _ in 0..<frames {
                bytes += Array("FRAME\n".utf8) + [UInt8](repeating: 128, count: width * height * 3 / 2)
            }
            try Data(bytes).write(to: dir.appendingPathComponent(name))
        }
        try y4m("wide.y4m", width: 16400, height: 16, frames: 2)
        try y4m("huge.y4m", width: 65535, height: 65535, frames: 0)
        for (name, size) in [("wide.y4m", "16400x16"), ("huge.y4m", "65535x65535")] {
            let r = try CodecCLI.run(["compress", name, "-o", "w.vtk", "--model", model], in: dir)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(name): frame size \(size) is outside 1...16384 per side"), r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
        XCTAssertEqual(partials(dir), [])
        XCTAssertFalse(CodecCLI.entries(dir).contains("w.vtk"))
    }
}
