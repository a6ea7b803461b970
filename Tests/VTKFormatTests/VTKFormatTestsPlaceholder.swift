import XCTest

final class VTKFormatTestsPlaceholder: XCTestCase {
    func testTargetBuilds() {}
}
