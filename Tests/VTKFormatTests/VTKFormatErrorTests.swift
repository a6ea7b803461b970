import XCTest
import VTKFormat

/// The one-line message of a `VTKFormatError`: "<file><place>: <detail>", the place being
/// ": <location> at byte <offset>" with whichever parts are known.
final class VTKFormatErrorTests: XCTestCase {
    func testMessageNamesFileLocationOffsetAndCause() {
        let cases: [(String?, Int?, String)] = [
            ("record 7", 91234, "clip.vtk: record 7 at byte 91234: CRC mismatch"),
            ("header", nil, "clip.vtk: header: CRC mismatch"),
            (nil, 0, "clip.vtk: at byte 0: CRC mismatch"),
            (nil, nil, "clip.vtk: CRC mismatch"),
        ]
        for (location, offset, expected) in cases {
            let error = VTKFormatError(.crcMismatch, file: "clip.vtk", location: location, offset: offset, "CRC mismatch")
            XCTAssertEqual(error.message, expected)
            XCTAssertEqual(error.localizedDescription, expected)
            XCTAssertEqual(error.detail, "CRC mismatch")
        }
    }
}
