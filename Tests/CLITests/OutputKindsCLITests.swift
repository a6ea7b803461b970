import Foundation
import VideoIO
import XCTest

/// `-o` as a regular file, a character device, a FIFO, standard output or a directory, and
/// interrupts: nothing but the output is ever touched, and nothing partial is left behind.
final class OutputKindsCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    private func prepare() throws -> URL {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 20)
        return dir
    }

    private func compress(_ output: String, in dir: URL, _ extra: [String] = []) throws -> CodecCLI.Result {
        try CodecCLI.run(["compress", "in.mp4", "-o", output, "--model", model, "-q"] + extra, in: dir)
    }

    private func fileType(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    func testStandardOutputGivesTheFileBytes() throws {
        let dir = try prepare()
        XCTAssertEqual(try compress("a.vtk", in: dir).status, 0)
        let file = try Data(contentsOf: dir.appendingPathComponent("a.vtk"))
        let raw = try CodecCLI.runRaw(["compress", "in.mp4", "-o", "-", "--model", model, "-q"], in: dir)
        XCTAssertEqual(raw.status, 0)
        XCTAssertEqual(raw.stdout, file, "-o - writes exactly the .vtk bytes")
        XCTAssertEqual(CodecCLI.entries(dir), ["a.vtk", "in.mp4"])
        let json = try compress("-", in: dir, ["--json"])
        XCTAssertEqual(json.status, 64, "--json and -o - both want stdout")
    }

    /// A null device node made by mknod in the scratch directory (never the real /dev).
    func testCharacterDeviceStaysADevice() throws {
        let dir = try prepare()
        let node = dir.appendingPathComponent("null").path
        guard mknod(node, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 else { throw XCTSkip("mknod needs root") }
        for extra in [[], ["-y"]] {
            let r = try compress(node, in: dir, extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(fileType(node), S_IFCHR)
        }
        let full = dir.appendingPathComponent("full").path
        XCTAssertEqual(mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)), 0)
        let r = try compress(full, in: dir, ["-y"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("No space left on device"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertEqual(fileType(full), S_IFCHR)
        XCTAssertEqual(CodecCLI.entries(dir), ["full", "in.mp4", "null"])
    }

    func testFIFOReaderGetsTheWholeFile() throws {
        let dir = try prepare()
        XCTAssertEqual(try compress("a.vtk", in: dir).status, 0)
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = FIFOReader(path: fifo)
        let r = try compress(fifo, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(reader.wait(), try Data(contentsOf: dir.appendingPathComponent("a.vtk")))
        XCTAssertEqual(fileType(fifo), S_IFIFO)
    }

    func testDirectoryAndExistingFileAreRefusedBeforeAnyWork() throws {
        let dir = try prepare()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
        let r = try compress("sub", in: dir, ["-y"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("sub is a directory"), r.stderr)
        try Data("keep".utf8).write(to: dir.appendingPathComponent("old.vtk"))
        let e = try compress("old.vtk", in: dir)
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains("already exists; pass -y"), e.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("old.vtk"), encoding: .utf8), "keep")
        XCTAssertEqual(CodecCLI.entries(dir), ["in.mp4", "old.vtk", "sub"])
    }

    func testExpandAndLatentsToStandardOutput() throws {
        let dir = try prepare()
        XCTAssertEqual(try compress("a.vtk", in: dir).status, 0)
        let video = try CodecCLI.runRaw(["expand", "a.vtk", "-o", "-", "--model", model, "-q",
                                         "--preset", "ultrafast"], in: dir)
        XCTAssertEqual(video.status, 0)
        try video.stdout.write(to: dir.appendingPathComponent("piped.mp4"))
        XCTAssertEqual(try CodecCLI.probe(dir.appendingPathComponent("piped.mp4")).frames, 20)
        let latents = try CodecCLI.runRaw(["latents", "a.vtk", "-o", "-"], in: dir)
        XCTAssertEqual(latents.status, 0)
        XCTAssertEqual(try CodecCLI.run(["latents", "a.vtk", "-o", "z.safetensors"], in: dir).status, 0)
        XCTAssertEqual(latents.stdout, try Data(contentsOf: dir.appendingPathComponent("z.safetensors")))
    }

    /// SIGINT and SIGTERM while compressing: exit 130 / 143, no temporary file, no output.
    func testInterruptRemovesTheTemporaryOutput() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 96, height: 64, frames: 400)
        for (number, status) in [(SIGINT, 130), (SIGTERM, 143)] {
            let process = Process()
            process.executableURL = CodecCLI.binary
            process.arguments = ["compress", "in.mp4", "-o", "out.vtk", "--model", model, "-q"]
            process.currentDirectoryURL = dir
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while !CodecCLI.entries(dir).contains(where: { $0.hasSuffix(".partial") }), Date() < deadline,
                  process.isRunning {
                usleep(20_000)
            }
            XCTAssertTrue(process.isRunning, "compress finished before the signal; make the clip longer")
            usleep(200_000)
            kill(process.processIdentifier, number)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .exit)
            XCTAssertEqual(Int(process.terminationStatus), status, "signal \(number)")
            XCTAssertEqual(CodecCLI.entries(dir), ["in.mp4"], "signal \(number)")
        }
    }
}

/// Reads a FIFO to its end on a background thread.
private final class FIFOReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread {
            self.data = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data()
            self.done.signal()
        }.start()
    }

    func wait() -> Data {
        _ = done.wait(timeout: .now() + 60)
        return data
    }
}
