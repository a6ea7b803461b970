import XCTest

final class CodecTestsPlaceholder: XCTestCase {
    func testTargetBuilds() {}
}
