import Foundation
import XCTest

/// `vtkc bench`: with --json, stdout is one object under the keys scripts/benchmarks/engine.py
/// reads, and the text report goes to stderr.
final class BenchCLITests: XCTestCase {
    func testJSONCarriesEveryNumberAndTheTextGoesToStderr() throws {
        let dir = try CodecCLI.scratch(self)
        let run = try CodecCLI.run(["bench", "--model", CodecCLI.tinyModel.path, "--repeats", "2",
                                    "--threads", "1", "--json"], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Double])
        let keys = ["load_s", "sgemm_gflops", "peak_rss_mib"] + ["encode", "decode"].flatMap { name in
            ["_s", "_floor_s", "_flop", "_round_ratio_median"].map { name + $0 }
        }
        XCTAssertEqual(Set(object.keys), Set(keys), run.stdout)
        XCTAssertEqual(object["encode_flop"], 40_108_032)
        XCTAssertTrue(run.stderr.hasPrefix("model vitok-tiny-golden: tokens 64, tubelet [4, 8, 8], clip [16, 32, 32], "
                                           + "threads 1, precision int8\n"), run.stderr)
        for line in ["sgemm 64x384x128 (qkv): ", "sgemm on the model's linear shapes: ", "encode ", "decode ", "peak RSS "] {
            XCTAssertTrue(run.stderr.contains("\n" + line), "\(line) in \(run.stderr)")
        }
    }

    func testRepeatsBelowOneIsAUsageError() throws {
        let run = try CodecCLI.run(["bench", "--model", CodecCLI.tinyModel.path, "--repeats", "0"],
                                   in: try CodecCLI.scratch(self))
        XCTAssertEqual(run.status, 64, run.stderr)
        XCTAssertTrue(run.stderr.contains("--repeats must be at least 1"), run.stderr)
    }
}
