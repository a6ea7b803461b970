import Foundation
import XCTest
import CFFmpeg
@testable import VideoIO

/// `vtkc compress -` reads standard input: streamable formats through a pipe give the same
/// latents as the file; an MP4/MOV whose index is at the end is a one-line error.
final class StdinCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path

    /// Runs `vtkc` with `bytes` fed to its standard input through a pipe.
    private func run(_ arguments: [String], stdin bytes: Data, in dir: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = CodecCLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = dir
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardError = err
        try process.run()
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: bytes)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: message, as: UTF8.self))
    }

    func testPipedMP4WithIndexFirstGivesTheFilesLatents() throws {
        let dir = try CodecCLI.scratch(self)
        let clip = dir.appendingPathComponent("in.mp4")
        try CodecCLI.writeClip(clip, width: 40, height: 36, frames: 20)
        XCTAssertEqual(try CodecCLI.run(["compress", "in.mp4", "-o", "file.vtk", "--model", model, "-q"], in: dir).status, 0)
        let (status, message) = try run(["compress", "-", "-o", "pipe.vtk", "--model", model, "-q"],
                                        stdin: try Data(contentsOf: clip), in: dir)
        XCTAssertEqual(status, 0, message)
        let fromFile = try CodecCLI.runRaw(["latents", "file.vtk", "-o", "-", "--format", "npy"], in: dir)
        let fromPipe = try CodecCLI.runRaw(["latents", "pipe.vtk", "-o", "-", "--format", "npy"], in: dir)
        XCTAssertEqual(fromPipe.status, 0)
        XCTAssertGreaterThan(fromFile.stdout.count, 1000)
        XCTAssertEqual(fromPipe.stdout, fromFile.stdout)
    }

    func testPipedMOVWithIndexAtTheEndIsAOneLineError() throws {
        let dir = try CodecCLI.scratch(self)
        let clip = dir.appendingPathComponent("late.mov")
        let writer = try VideoWriter(url: clip, width: 32, height: 32, frameRate: Rational(num: 25, den: 1),
                                     spec: EncoderSpec(codec: "libx264", pixelFormat: AV_PIX_FMT_YUV420P,
                                                       options: ["preset": "ultrafast"], container: "mov"),
                                     audio: nil)
        for i in 0..<4 {
            try writer.write(RGBFrame(width: 32, height: 32, pixels: [UInt8](repeating: UInt8(i * 40), count: 32 * 32 * 3)))
        }
        try writer.finish()
        let (status, message) = try run(["compress", "-", "-o", "x.vtk", "--model", model, "-q"],
                                        stdin: try Data(contentsOf: clip), in: dir)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(message.contains("standard input") && message.contains("+faststart"), message)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssertFalse(CodecCLI.entries(dir).contains("x.vtk"))
    }
}
