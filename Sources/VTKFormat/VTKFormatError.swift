// The one error type of VTKFormat: every failure names the file, where in it (record and byte
// offset) when that is known, and the cause, on one line.
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

    /// The file's last path component (or a caller-chosen label such as "<memory>").
    public var file: String
    /// The failure class.
    public var kind: Kind
    /// Byte offset in the file where the failing structure starts, when known.
    public var offset: Int?
    /// The structure, e.g. "header", "record 7", when known.
    public var location: String?
    /// The cause, with stored/expected values where they help.
    public var message: String

    /// Builds an error; see the properties for the meaning of each part.
    public init(file: String, kind: Kind, location: String? = nil, offset: Int? = nil, message: String) {
        self.file = file
        self.kind = kind
        self.location = location
        self.offset = offset
        self.message = message
    }

    /// One line: file, location, offset, cause.
    public var errorDescription: String? {
        var parts = [file]
        switch (location, offset) {
        case let (location?, offset?): parts.append("\(location) at byte \(offset)")
        case let (location?, nil): parts.append(location)
        case let (nil, offset?): parts.append("at byte \(offset)")
        case (nil, nil): break
        }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Hexadecimal spelling used in CRC messages: `0x0000abcd`.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
