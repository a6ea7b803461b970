import XCTest
@testable import VideoIO

/// Every real clip in ../shared/data/clips decodes, with the frame count MANIFEST.tsv gives.
final class RealClipTests: XCTestCase {
    struct Entry {
        var file: String
        var width: Int
        var height: Int
        var frames: Int
        var fps: Double
        var duration: Double
        var codec: String
    }

    private func manifest() throws -> (URL, [Entry]) {
        guard let shared = sharedDirectory() else {
            throw XCTSkip("../shared/data is absent: real-clip decoding not tested")
        }
        let data = shared.appendingPathComponent("data")
        let text = try String(contentsOf: data.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first else { return (data, []) }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw XCTSkip("MANIFEST.tsv has no \(name) column") }
            return i
        }
        let (f, w, h, n, r, c) = (try column("file"), try column("width"), try column("height"),
                                  try column("frames"), try column("fps"), try column("codec"))
        let d = try column("duration_s")
        let entries = rows.dropFirst().filter { $0.count == header.count && $0[f].hasPrefix("clips/") }.map {
            Entry(file: $0[f], width: Int($0[w]) ?? -1, height: Int($0[h]) ?? -1, frames: Int($0[n]) ?? -1,
                  fps: Double($0[r]) ?? -1, duration: Double($0[d]) ?? -1, codec: $0[c])
        }
        return (data, entries)
    }

    func testAllClipsDecodeWithManifestFrameCounts() throws {
        let (data, entries) = try manifest()
        XCTAssertFalse(entries.isEmpty)
        for entry in entries {
            let url = data.appendingPathComponent(entry.file)
            let reader = try VideoReader(url: url)
            // Every frame is decoded; the first and every 16th are also converted to RGB.
            var count = 0
            var first: RGBFrame?
            while true {
                if count % 16 == 0 {
                    guard let frame = try reader.nextFrame() else { break }
                    if first == nil { first = frame }
                    XCTAssertEqual(frame.pixels.count, entry.width * entry.height * 3, entry.file)
                } else if try !reader.skipFrame() {
                    break
                }
                count += 1
            }
            let info = reader.info
            print("\(entry.file): \(info.width)x\(info.height) \(info.frameCount) frames (decoded \(count)) "
                  + "rate \(info.frameRate) \(info.codecName) duration \(info.duration) rotation \(info.rotation) "
                  + "audio \(info.hasAudio) \(reader.audio?.codecName ?? "-") \(reader.audio?.packets.count ?? 0)")
            XCTAssertEqual(count, entry.frames, "\(entry.file): decoded frames")
            XCTAssertEqual(info.frameCount, entry.frames, "\(entry.file): reported frame count")
            XCTAssertEqual(info.width, entry.width, entry.file)
            XCTAssertEqual(info.height, entry.height, entry.file)
            if entry.file.hasSuffix("ocv_tree.avi") {
                // The manifest gives the AVI header's nominal 15 fps (68 frames, 4.53 s); the
                // frames' timestamps step 5 to 11 ticks of 1/15 s and span 30 s: a variable
                // rate, written at the timestamps' average so that the duration is kept.
                XCTAssertTrue(info.variableFrameRate)
                XCTAssertEqual(info.frameRate.doubleValue, 2.269, accuracy: 0.001)
                XCTAssertEqual(info.duration, 67 / 2.269 + 1 / 2.269, accuracy: 0.05)
            } else {
                XCTAssertEqual(info.frameRate.doubleValue, entry.fps, accuracy: 0.01, entry.file)
                XCTAssertEqual(info.duration, entry.duration, accuracy: 0.05, entry.file)
            }
            XCTAssertEqual(info.codecName, entry.codec, entry.file)
            // Times start at the video stream's start: 0 for the first frame, except in AVI with
            // B-frames, where FFmpeg places it after the decoder delay (1-2 frames).
            let firstPTS = try XCTUnwrap(first?.pts, entry.file)
            XCTAssertTrue(firstPTS >= 0 && firstPTS < 2.5 / entry.fps, "\(entry.file): first pts \(firstPTS)")
            XCTAssertEqual(first?.pixels.count, entry.width * entry.height * 3, entry.file)
            XCTAssertEqual(info.hasAudio, reader.audio != nil, entry.file)
            // The one clip in the set shot upside down carries a 180-degree display matrix.
            XCTAssertEqual(info.rotation, entry.file.hasSuffix("moviepy_fire2.mp4") ? 180 : 0, entry.file)
            XCTAssertTrue(info.pixelAspect.isPositive, entry.file)  // 3 clips are anamorphic (64/51, 1024/765, 15/16)
        }
    }
}
