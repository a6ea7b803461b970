// The one error type of VTKFormat: every failure names the file, where in it (record and byte
// offset) when that is known, and the cause, on one line. It has the shape of SafeTensors'
// `FileError` (kind, file, place, detail; message = "<file><place>: <detail>") written out
// here, because VTKFormat depends on no module but SafeInput (the regular-file check).
import Foundation

/// A failure reading, writing or validating a .vtk file. `errorDescription` is one line:
/// `"clip.vtk: record 7 at byte 91234: CRC mismatch (stored 0x1234abcd, computed 0x9f00aa01)"`.
public struct VTKFormatError: LocalizedError, Equatable, Sendable {
    /// What went wrong, for callers that react differently (tests, exit codes).
    public enum Kind: String, Sendable {
        /// The file does not start with the .vtk magic bytes.
        case badMagic
        /// The file is a .vtk of a format version this build does not read.
        case unsupportedVersion
        /// The file ends before a structure it announces (or without its end record).
        case truncated
        /// A stored CRC-32 does not match the bytes it covers.
        case crcMismatch
        /// A length, count, enum value or field is out of range or inconsistent.
        case malformed
        /// Latents given to the writer are unusable (NaN/Inf, wrong count, out of range).
        case invalidLatents
        /// The writer was used out of order (audio twice, group after finish ...).
        case misuse
        /// The file was made with different model weights than the ones loaded.
        case modelMismatch
        /// The operating system refused a read, write, rename or removal.
        case io
    }

    /// The failure class.
    public let kind: Kind
    /// The file's last path component (or a caller-chosen label such as "<memory>").
    public let file: String
    /// The structure, e.g. "header", "record 7", when known.
    public let location: String?
    /// Byte offset in the file where the failing structure starts, when known.
    public let offset: Int?
    /// The cause, with stored/expected values where they help; without the file or place.
    public let detail: String

    /// An error of `kind` in `file` (at `location` and `offset`, where known) with the cause `detail`.
    public init(_ kind: Kind, file: String, location: String? = nil, offset: Int? = nil, _ detail: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.offset = offset
        self.detail = detail
    }

    /// Where in the file: ": record 7 at byte 91234", ": header", ": at byte 0" or "".
    public var place: String {
        switch (location, offset) {
        case let (location?, offset?): ": \(location) at byte \(offset)"
        case let (location?, nil): ": \(location)"
        case let (nil, offset?): ": at byte \(offset)"
        case (nil, nil): ""
        }
    }

    /// The one-line message: `"<file><place>: <detail>"`.
    public var message: String { "\(file)\(place): \(detail)" }

    public var errorDescription: String? { message }
}

/// Hexadecimal spelling used in CRC messages: `0x0000abcd`.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
