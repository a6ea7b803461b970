import Foundation
import XCTest
@testable import SafeOutput

/// The output rules: regular files are staged and renamed, devices and FIFOs are written in
/// place and never replaced, directories and existing files without -y are refused.
final class OutputTargetTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vtkc-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func write(_ target: OutputTarget, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: target.stagingPath))
    }

    private func fileType(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & S_IFMT
    }

    func testNewFileAppearsOnlyOnCommitAndStagingIsGone() throws {
        let out = path("a.vtk")
        let target = try OutputTarget(path: out, overwrite: false)
        XCTAssertEqual(target.kind, .regularFile)
        XCTAssertTrue(InterruptCleanup.registered.contains(target.stagingPath))
        try write(target, "hello")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        try target.commit()
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "hello")
        XCTAssertEqual(target.committedBytes, 5)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["a.vtk"])
        XCTAssertFalse(InterruptCleanup.registered.contains(target.stagingPath))
    }

    func testDroppedTargetLeavesNothing() throws {
        do {
            let target = try OutputTarget(path: path("b.vtk"), overwrite: false)
            try write(target, "partial")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testExistingFileNeedsOverwriteAndKeepsItsMode() throws {
        let out = path("c.vtk")
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        chmod(out, 0o640)
        XCTAssertThrowsError(try OutputTarget(path: out, overwrite: false)) {
            XCTAssertEqual($0 as? OutputError, .exists(path: out))
        }
        let target = try OutputTarget(path: out, overwrite: true)
        try write(target, "new")
        try target.commit()
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "new")
        var info = stat()
        stat(out, &info)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
    }

    func testFileThatAppearsWhileWritingIsNotReplaced() throws {
        let out = path("d.vtk")
        let target = try OutputTarget(path: out, overwrite: false)
        try write(target, "mine")
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: out))
        XCTAssertThrowsError(try target.commit()) { XCTAssertEqual($0 as? OutputError, .exists(path: out)) }
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "theirs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["d.vtk"])
    }

    func testDirectoryAndMissingDirectoryAreOneLineErrors() throws {
        XCTAssertThrowsError(try OutputTarget(path: directory.path, overwrite: true)) {
            XCTAssertEqual($0 as? OutputError, .isDirectory(path: self.directory.path))
        }
        let missing = path("no/such/dir/x.vtk")
        XCTAssertThrowsError(try OutputTarget(path: missing, overwrite: true)) {
            let message = ($0 as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("No such file or directory"), message)
            XCTAssertFalse(message.contains("\n"))
        }
    }

    /// A character device made with mknod (the null device, 1:3) in the scratch directory,
    /// never the real /dev: written in place with or without -y, and still a device after.
    func testCharacterDeviceIsWrittenInPlaceNeverReplaced() throws {
        let node = path("null")
        guard mknod(node, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0 else {
            throw XCTSkip("mknod needs root (errno \(errno))")
        }
        for overwrite in [false, true] {
            let target = try OutputTarget(path: node, overwrite: overwrite)
            XCTAssertEqual(target.kind, .characterDevice)
            XCTAssertFalse(target.stagingPath.hasPrefix(directory.path), "streams stage elsewhere")
            try write(target, String(repeating: "x", count: 3 << 20))
            try target.commit()
            XCTAssertEqual(fileType(node), S_IFCHR, "still a character device")
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.stagingPath))
        }
    }

    /// The full device (1:7) refuses writes: one-line error, the node stays a device.
    func testFullDeviceGivesErrorAndStaysADevice() throws {
        let node = path("full")
        guard mknod(node, S_IFCHR | 0o666, deviceNumber(1, 7)) == 0 else {
            throw XCTSkip("mknod needs root (errno \(errno))")
        }
        let target = try OutputTarget(path: node, overwrite: true)
        try write(target, "bytes")
        XCTAssertThrowsError(try target.commit()) {
            let message = ($0 as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("No space left on device"), message)
        }
        XCTAssertEqual(fileType(node), S_IFCHR)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.stagingPath))
    }

    func testFIFOReaderGetsTheWholeOutput() throws {
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let text = String(repeating: "0123456789", count: 200_000)
        let received = ReceivedBytes()
        let reader = Thread {
            received.data = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()
            received.done.signal()
        }
        reader.start()
        let target = try OutputTarget(path: fifo, overwrite: false)
        XCTAssertEqual(target.kind, .fifo)
        try write(target, text)
        try target.commit()
        XCTAssertEqual(received.done.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(received.data, Data(text.utf8))
        XCTAssertEqual(fileType(fifo), S_IFIFO, "still a FIFO")
    }

    func testSymbolicLinkToAFileKeepsTheLink() throws {
        let real = path("real.vtk"), link = path("link.vtk")
        try Data("old".utf8).write(to: URL(fileURLWithPath: real))
        XCTAssertEqual(symlink(real, link), 0)
        let target = try OutputTarget(path: link, overwrite: true)
        try write(target, "new")
        try target.commit()
        XCTAssertEqual(fileType(link), S_IFLNK)
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8), "new")
    }

    /// Only staging files of the named output whose process is gone are removed.
    func testStaleStagingOfDeadProcessesIsRemoved() throws {
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier
        let names = [".x.vtk.\(dead)-5.partial", ".x.vtk.1-5.partial", ".x.vtk.\(getpid())-5.partial",
                     ".x.vtk.junk.partial", ".y.vtk.\(dead)-1.partial", "x.vtk"]
        for name in names { try Data("x".utf8).write(to: URL(fileURLWithPath: path(name))) }
        XCTAssertEqual(OutputTarget.removeStaleStaging(beside: path("x.vtk")), 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(left, names.dropFirst().sorted())
    }
}

private final class ReceivedBytes: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// Linux's dev_t for a major and minor number below 256 (the glibc macro is not imported).
private func deviceNumber(_ major: UInt, _ minor: UInt) -> dev_t { dev_t(major << 8 | minor) }

/// The output plan's one rule: no output is an input or another output, by any name.
final class OutputPlanTests: XCTestCase {
    func testOutputsAreCheckedAgainstInputsAndEachOther() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.mp4").path
        FileManager.default.createFile(atPath: input, contents: Data("x".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("sym").path, withDestinationPath: input)
        try FileManager.default.linkItem(atPath: input, toPath: dir.appendingPathComponent("hard").path)
        let plan = OutputPlan(inputs: [input, "-"], overwrite: true)
        for alias in [input, dir.appendingPathComponent("sym").path, dir.appendingPathComponent("hard").path,
                      dir.appendingPathComponent("./x/../in.mp4").path] {
            XCTAssertThrowsError(try plan.reserve(alias), alias) {
                guard case OutputError.sameAsInput = $0 else { return XCTFail("\($0)") }
            }
        }
        try plan.reserve(dir.appendingPathComponent("new.csv").path)
        XCTAssertThrowsError(try plan.reserve(dir.appendingPathComponent("./new.csv").path)) {
            guard case OutputError.sameAsOutput = $0 else { return XCTFail("\($0)") }
        }
        try plan.reserve("/dev/null")
        try plan.reserve("/dev/null")
        try plan.reserve("-")
        XCTAssertThrowsError(try plan.reserve("-"))
    }
}
