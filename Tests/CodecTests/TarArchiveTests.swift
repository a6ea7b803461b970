@testable import Codec
@testable import Datasets
import SHA256Oracle
import VTKFormat
import XCTest

/// The ustar headers of the webdataset shards against Python's tarfile, and the sample keys.
final class TarArchiveTests: XCTestCase {
    /// The digests come from Python's tarfile with the shards' fixed fields:
    ///     ti = tarfile.TarInfo(NAME); ti.size = SIZE; ti.mtime = 0; ti.mode = 0o644
    ///     ti.uid = ti.gid = 0; ti.uname = ti.gname = ""
    ///     hashlib.sha256(ti.tobuf(format=tarfile.USTAR_FORMAT)).hexdigest()
    func testHeadersEqualPythonTarfile() throws {
        let short = try TarArchive.header(name: "sub/b.latents.npy", size: 20608)
        XCTAssertEqual(short.count, 512)
        XCTAssertEqual(Hex.string(SHA256.hash(short)), "3ba59640e675e3535c2d6cac0cf0029602dc33010a3c7fd616eafbc0f1bd02ee")
        let long = String(repeating: "d", count: 120) + "/" + String(repeating: "e", count: 90) + ".json"
        let split = try TarArchive.header(name: long, size: 7)
        XCTAssertEqual(Hex.string(SHA256.hash(split)), "9a6ed481e064a9454c3ea3837ed15132d3149655c1e9bcbceb3bbd1883320478")
    }

    func testNamesThatDoNotFitAreErrors() {
        let noSlash = String(repeating: "n", count: 101)
        let longBase = "dir/" + String(repeating: "n", count: 101)
        let longPrefix = String(repeating: "p", count: 160) + "/name"
        for name in [noSlash, longBase, longPrefix, ""] {
            XCTAssertThrowsError(try TarArchive.header(name: name, size: 1), name)
        }
        XCTAssertThrowsError(try TarArchive.header(name: "big", size: TarArchive.maxMemberSize + 1))
        XCTAssertNoThrow(try TarArchive.header(name: String(repeating: "n", count: 100), size: 0))
    }

    func testPaddingAndMemberSizes() {
        XCTAssertEqual(TarArchive.padding(0), 0)
        XCTAssertEqual(TarArchive.padding(1), 511)
        XCTAssertEqual(TarArchive.padding(512), 0)
        XCTAssertEqual(TarArchive.memberBytes(size: 513), 512 + 1024)
        XCTAssertEqual(TarArchive.end, [UInt8](repeating: 0, count: 1024))
    }

    func testSampleKeysReplaceEveryCharacterOutsideTheSafeSet() {
        XCTAssertEqual(WebDatasetWriter.key(for: "clips/a-b_c.vtk"), "clips/a-b_c")
        XCTAssertEqual(WebDatasetWriter.key(for: "x/clip.v2 final.VTK"), "x/clip_v2_final")
        XCTAssertEqual(WebDatasetWriter.key(for: "é+ü.vtk"), "___")
        XCTAssertEqual(WebDatasetWriter.shardName(12), "latents-000012.tar")
    }
}
