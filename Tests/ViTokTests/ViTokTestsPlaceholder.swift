import XCTest

final class ViTokTestsPlaceholder: XCTestCase {
    func testTargetBuilds() {}
}
