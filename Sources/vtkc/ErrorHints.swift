import ArgumentParser
import Codec
import Foundation
import Metrics
import SafeOutput

/// The command-line half of an error message: libraries say what went wrong in their own
/// terms; this adds the option that fixes it, in the words of vtkc's flags. The one place
/// where library errors meet flag names.
enum ErrorHints {
    /// The flag that would fix `error`, as a clause to append; nil when there is none.
    static func hint(for error: Error) -> String? {
        switch error {
        case OutputError.exists: "pass -y to overwrite it"
        case OutputError.terminal: "or name a file with -o instead"
        case CodecError.modelMismatch: "or --force-model to decode anyway"
        case CodecError.notABatchReport: "name another file, or pass -y to replace it (-y also rewrites every output)"
        case CodecError.memoryLimit: "raise it with --max-memory SIZE (e.g. --max-memory 16GB) if the machine has it"
        case CodecError.geometryMismatch: "pass --model with the weights the file was made with"
        case ScoreError.sizeMismatch: "pass --resize-to-ref to resize the distorted frames to the reference size"
        case ScoreError.frameCountMismatch: "pass --frames N to compare only the first N frames"
        case ScoreError.fvdNeedsClips: "leave fvd out with --metrics psnr,ssim,lpips"
        case SSIMError.frameTooSmall: "leave ssim out with --metrics"
        case LPIPSError.frameTooSmall: "leave lpips out with --metrics"
        default: nil
        }
    }

    /// `error` with its hint appended (same exit status, 1), its message escaped for the
    /// terminal (`StandardStreams.printable`: text from a file, such as a model name, cannot
    /// break the one line); the argument parser's own errors unchanged (usage, status 64).
    static func adding(to error: Error) -> Error {
        guard error is LocalizedError, !(error is ValidationError), !(error is ExitCode), !(error is CleanExit) else {
            return error
        }
        let hint = hint(for: error).map { "; " + $0 } ?? ""
        return HintedError(message: StandardStreams.printable(error.localizedDescription) + hint)
    }
}

/// A library error's message with the flag that fixes it.
struct HintedError: LocalizedError {
    let message: String
    var errorDescription: String? { message }
}
