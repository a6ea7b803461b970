import XCTest
@testable import Codec

/// The short tiling form of `vtkc seams`: parsing, the model's tile size, and round trips.
final class TilingSpecTests: XCTestCase {
    func testParsesAndResolvesAgainstTheTileSize() throws {
        let spec = try TilingSpec(parsing: "overlap:24:linear")
        XCTAssertEqual(try spec.options(tileSize: 128), TilingOptions(mode: .overlap, overlap: 24, ramp: .linear))
        XCTAssertThrowsError(try spec.options(tileSize: 32)) { error in
            XCTAssertEqual(error.localizedDescription,
                           "invalid option: tiling 'overlap:24:linear': overlap 24 is outside 0...16 for 32-pixel tiles (at most half a tile)")
        }
        // defaults come from the tile size: an eighth of a tile, the default ramp
        XCTAssertEqual(try TilingSpec(parsing: "overlap").options(tileSize: 64),
                       TilingOptions(mode: .overlap, overlap: 8, ramp: TilingOptions.default(tileSize: 64).ramp))
        for bad in ["", "wavy", "overlap:x", "overlap:8:square", "overlap:8:linear:1", "none:"] {
            XCTAssertThrowsError(try TilingSpec(parsing: bad), bad)
        }
    }

    func testLabelsParseBackToTheSameOptions() throws {
        for options in [TilingOptions(mode: .none, overlap: 16, ramp: .cosine),
                        TilingOptions(mode: .overlap, overlap: 32, ramp: .linear)] {
            let text = TilingSpec(options).text
            XCTAssertEqual(try TilingSpec(parsing: text).options(tileSize: 128).description, options.description, text)
        }
        XCTAssertEqual(TilingSpec(TilingOptions(mode: .reflect, overlap: 16, ramp: .cosine)).text, "reflect")
        XCTAssertEqual(TilingSpec(TilingOptions(mode: .overlap, overlap: 16, ramp: .cosine)).text, "overlap:16:cosine")
    }
}
