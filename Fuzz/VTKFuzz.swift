// libFuzzer entry point for the .vtk parser and latent decoders. Compiled together with
// Sources/VTKFormat/*.swift by scripts/fuzz.sh vtk (swiftc -sanitize=fuzzer,address).
// Every input must either parse and decode, or throw VTKFormatError; anything else (trap,
// sanitizer report, other error) is a finding.

/// Groups larger than this are skipped after parsing: decoding them allocates a legitimately
/// large tensor (up to 2^27 values), which is not a parser defect but exhausts fuzzer memory.
let fuzzMaxDecodedValues = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func vtkFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    // Most mutations stop at a CRC; the same bytes with every CRC recomputed reach the
    // header parser and the latent decoders.
    check(withRecomputedCRCs(bytes))
    return 0
}

func check(_ bytes: [UInt8]) {
    do {
        let reader = try VTKReader(bytes: bytes, name: "fuzz.vtk")
        _ = reader.header.groupCount
        _ = try reader.audio()
        if reader.header.valuesPerGroup <= fuzzMaxDecodedValues {
            while let group = try reader.nextGroup() {
                precondition(group.count == reader.header.valuesPerGroup, "decoded group has the wrong size")
            }
        }
    } catch let error as VTKFormatError {
        precondition(!(error.errorDescription ?? "\n").contains("\n"), "multi-line error message")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
}

/// `bytes` with the header CRC and the CRC of every record whose framing fits recomputed.
func withRecomputedCRCs(_ input: [UInt8]) -> [UInt8] {
    var bytes = input
    func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
    func store(_ crc: UInt32, at: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) } }
    guard bytes.count >= 20 else { return bytes }
    let h = u32(12)
    guard h <= bytes.count - 20 else { return bytes }
    store(CRC32.checksum(bytes[0..<(16 + h)]), at: 16 + h)
    var position = 20 + h
    while bytes.count - position >= 16 {
        let length = UInt64(u32(position + 4)) | UInt64(u32(position + 8)) << 32
        guard length <= UInt64(bytes.count - position - 16) else { break }
        let end = position + 12 + Int(length)
        store(CRC32.checksum(bytes[position..<end]), at: end)
        position = end + 4
    }
    return bytes
}
