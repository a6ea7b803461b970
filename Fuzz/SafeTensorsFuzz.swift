// libFuzzer entry point for the safetensors reader (a `--model` file is user input). Compiled
// with Sources/SafeTensors/*.swift by scripts/fuzz.sh (swiftc -sanitize=fuzzer,address).
// Every input must either parse, every tensor be looked up and converted to float32 within
// the buffer, or throw a one-line SafeTensorsError; anything else (trap, sanitizer report,
// other error, a tensor reaching outside the file) is a finding.

@_cdecl("LLVMFuzzerTestOneInput")
public func safeTensorsFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let file = try SafeTensorsFile(bytes: bytes, name: "fuzz.safetensors")
        _ = file.metadata.count
        for name in file.tensors.keys.sorted() {
            guard let entry = file.tensors[name] else { preconditionFailure("listed tensor is missing") }
            let count = entry.shape.reduce(1, *)
            precondition(count == entry.count, "count is not the product of the shape")
            precondition(entry.offset >= 8 && entry.offset + count * entry.dtype.size <= size,
                         "tensor data reaches outside the file")
            convertAll(entry, fileSize: size)
        }
    } catch let error as SafeTensorsError {
        precondition(!error.message.contains("\n"), "multi-line error message")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}

/// Converts the tensor through the public paths: `floats()` (which refuses I8 with a typed
/// error) and `convert` on both the aligned and, for 2-byte types, an unaligned copy.
func convertAll(_ entry: TensorEntry, fileSize: Int) {
    do {
        let values = try entry.floats()
        precondition(values.count == entry.count, "floats() returned the wrong count")
    } catch let error as SafeTensorsError {
        precondition(entry.dtype == .i8 && error.kind == .unsupportedDtype, "floats() failed: \(error.message)")
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    guard entry.count > 0, let source = entry.bytes else { return }
    var out = [Float](repeating: 0, count: entry.count)
    out.withUnsafeMutableBufferPointer { entry.dtype.convert(source, count: entry.count, into: $0.baseAddress!) }
    // The same bytes one byte off alignment take the unaligned loops.
    let byteCount = entry.count * entry.dtype.size
    let shifted = UnsafeMutableRawPointer.allocate(byteCount: byteCount + 1, alignment: 16)
    defer { shifted.deallocate() }
    shifted.advanced(by: 1).copyMemory(from: source, byteCount: byteCount)
    var again = [Float](repeating: 0, count: entry.count)
    again.withUnsafeMutableBufferPointer {
        entry.dtype.convert(UnsafeRawPointer(shifted.advanced(by: 1)), count: entry.count, into: $0.baseAddress!)
    }
    precondition(zip(out, again).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) },
                 "aligned and unaligned conversions differ")
}
