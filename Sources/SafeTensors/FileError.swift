import Foundation

/// The shape of the package's errors about a file's contents, one line each:
/// `"<file><place>: <detail>"`, where `place` says where in the file (", tensor 'x'" here).
///
/// Every such error is a struct with, in this order: `kind` (a `String` enum of the problem
/// classes), `file`, the place fields, and `detail` (the cause, without file or place); its
/// initializer takes them in the same order, `kind` and `detail` unlabelled; `message` is the
/// one line and `errorDescription` returns it. `SafeTensorsError` and ViTok's `ViTokError`
/// adopt it (as `TensorFileError`) for the assembly; `VTKFormatError` has the same shape written out
/// (place ": <location> at byte <offset>"), since VTKFormat depends on no other module.
public protocol FileError: LocalizedError {
    /// The file as the message names it (its last path component, or a label).
    var fileLabel: String { get }
    /// Where in the file, already spelled for the message ("" when unknown).
    var place: String { get }
    /// The cause, without the file or the place.
    var detail: String { get }
}

extension FileError {
    /// The one-line message: `"<file><place>: <detail>"`.
    public var message: String { "\(fileLabel)\(place): \(detail)" }

    public var errorDescription: String? { message }
}

/// A `FileError` whose place is a tensor: ", tensor 'x'", or nothing when there is none.
public protocol TensorFileError: FileError {
    /// The tensor concerned, if any.
    var tensor: String? { get }
}

extension TensorFileError {
    public var place: String { tensor.map { ", tensor '\($0)'" } ?? "" }
}
