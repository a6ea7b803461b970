// libFuzzer entry point for the video reader on mutated container files (MP4, MOV, MKV, AVI,
// NUT, MPEG-TS, Y4M seeds) read through the in-memory custom I/O. Compiled with
// Sources/VideoIO/*.swift by scripts/fuzz.sh (swiftc -sanitize=fuzzer; FFmpeg itself is not
// instrumented). Every input must either decode or throw a one-line VideoIOError or
// FFmpegError; a trap, another error type or a frame of the wrong size is a finding.

/// Inputs whose stream claims more pixels than this are not decoded: a legitimately huge
/// frame is not a defect, it only exhausts the fuzzer's memory and time.
let fuzzMaxPixels = 1 << 20
/// At most this many frames are decoded per input (a few KiB can hold thousands).
let fuzzMaxFrames = 64

@_cdecl("LLVMFuzzerTestOneInput")
public func videoFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let reader = try VideoReader(input: .memory(bytes, name: "fuzz"))
        let info = reader.info
        precondition(info.width > 0 && info.height > 0, "reader opened a stream without a frame size")
        guard info.width * info.height <= fuzzMaxPixels else { return 0 }
        var frames = 0
        while frames < fuzzMaxFrames {
            // Alternate the converting and the skipping paths.
            if frames % 3 == 2 {
                guard try reader.skipFrame() else { break }
            } else {
                guard let frame = try reader.nextFrame() else { break }
                precondition(frame.width == info.width && frame.height == info.height, "frame size changed")
                precondition(frame.pixels.count == info.width * info.height * 3, "wrong pixel count")
            }
            frames += 1
        }
        if let audio = reader.audio { _ = audio.packets.count }
    } catch let error as VideoIOError {
        precondition(!(error.errorDescription ?? "\n").contains("\n"), "multi-line error message")
    } catch let error as FFmpegError {
        precondition(!(error.errorDescription ?? "\n").contains("\n"), "multi-line error message")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
