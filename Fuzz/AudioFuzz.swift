// libFuzzer entry point for the audio path of `expand`: the .vtk audio record parser
// (Sources/Codec/AudioRecordCoding.swift) and, for every record it accepts, FFmpeg's
// Matroska and MP4 muxers fed through VideoWriter, as expand feeds them. Compiled by
// scripts/fuzz.sh audio with the VideoIO sources and the byte reader of VTKFormat. Every input
// must either be refused with a one-line VTKFormatError or mux (or fail with a one-line
// VideoIOError/FFmpegError); a trap, a crash inside libavformat or another error is a finding.
import CFFmpeg
import Foundation

/// Where the muxed files go (one per process, rewritten every run).
let fuzzScratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("vtkc-audio-fuzz-\(getpid())").path

@_cdecl("LLVMFuzzerTestOneInput")
public func audioFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let track: AudioTrack
    do {
        track = try AudioTrack(serialized: bytes, file: "fuzz.vtk")
    } catch let error as VTKFormatError {
        precondition(!error.localizedDescription.contains("\n"), "multi-line message")
        return 0
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    precondition(track.muxingProblem == nil, "the parser accepted a track the muxer check refuses")
    for (codec, container, name) in [("ffv1", "matroska", "a.mkv"), ("mpeg4", "mp4", "a.mp4")] {
        let spec = EncoderSpec(codec: codec, pixelFormat: codec == "ffv1" ? AV_PIX_FMT_BGR0 : AV_PIX_FMT_YUV420P,
                               options: [:], container: container)
        do {
            let writer = try VideoWriter(url: URL(fileURLWithPath: fuzzScratch + name), width: 16, height: 16,
                                         frameRate: Rational(num: 25, den: 1), spec: spec, audio: track)
            for index in 0..<3 {
                try writer.write(RGBFrame(width: 16, height: 16, pixels: [UInt8](repeating: UInt8(index * 40), count: 768)))
            }
            try writer.finish()
        } catch let error as VideoIOError {
            precondition(!error.localizedDescription.contains("\n"), "multi-line message")
        } catch let error as FFmpegError {
            precondition(!error.localizedDescription.contains("\n"), "multi-line message")
        } catch {
            preconditionFailure("unexpected error type: \(error)")
        }
        unlink(fuzzScratch + name)
    }
    return 0
}
