import XCTest

final class VideoIOTestsPlaceholder: XCTestCase {
    func testTargetBuilds() {}
}
