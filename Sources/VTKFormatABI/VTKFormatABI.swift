// The C ABI of the .vtk reader, for other languages (vtkc_py loads it with ctypes): one
// implementation of the format and its coder, the Swift one, behind five functions. Built as
// the dynamic library `libvtkformat.so` (product "vtkformat").
//
//     const void *h = vtkformat_open(bytes, size, "clip.vtk", err, sizeof err);  // NULL on error
//     int64_t n = vtkformat_values_per_group(h), g = vtkformat_group_count(h);
//     vtkformat_decode_group(h, i, out, n, err, sizeof err);   // 0, or -1 with err filled
//     vtkformat_close(h);
//
// Errors are the reader's one-line messages, NUL-terminated and truncated to the buffer.
// A handle may be used from one thread at a time.
import VTKFormat

/// The version of these functions; bumped when one changes.
@_cdecl("vtkformat_abi_version")
public func vtkformatABIVersion() -> Int32 { 1 }

/// Parses and checks a whole file held in memory (the bytes are copied): the header and the
/// record framing, as `VTKReader(bytes:name:)`. Returns a handle, or NULL with `message` filled.
@_cdecl("vtkformat_open")
public func vtkformatOpen(_ bytes: UnsafePointer<UInt8>?, _ count: Int, _ name: UnsafePointer<CChar>?,
                          _ message: UnsafeMutablePointer<CChar>?, _ messageCapacity: Int) -> UnsafeMutableRawPointer? {
    let label = name.map { String(cString: $0) } ?? "<bytes>"
    guard count >= 0, bytes != nil || count == 0 else {
        fill(message, messageCapacity, "\(label): no bytes given")
        return nil
    }
    do {
        let copy = count == 0 ? [] : Array(UnsafeBufferPointer(start: bytes, count: count))
        let reader = try VTKReader(bytes: copy, name: label)
        return Unmanaged.passRetained(reader).toOpaque()
    } catch {
        fill(message, messageCapacity, error.localizedDescription)
        return nil
    }
}

/// Latent values per group (tiles x tokens x channels).
@_cdecl("vtkformat_values_per_group")
public func vtkformatValuesPerGroup(_ handle: UnsafeMutableRawPointer) -> Int64 {
    Int64(reader(handle).header.valuesPerGroup)
}

/// Number of groups.
@_cdecl("vtkformat_group_count")
public func vtkformatGroupCount(_ handle: UnsafeMutableRawPointer) -> Int64 {
    Int64(reader(handle).groupCount)
}

/// Decodes group `index` (CRC checked) into `out`, which holds `capacity` floats (at least
/// `vtkformat_values_per_group`). Returns 0, or -1 with `message` filled.
@_cdecl("vtkformat_decode_group")
public func vtkformatDecodeGroup(_ handle: UnsafeMutableRawPointer, _ index: Int64, _ out: UnsafeMutablePointer<Float>?,
                                 _ capacity: Int64, _ message: UnsafeMutablePointer<CChar>?, _ messageCapacity: Int) -> Int32 {
    let file = reader(handle)
    guard index >= 0, index < Int64(file.groupCount) else {
        fill(message, messageCapacity, "\(file.name): group \(index) is outside 0..<\(file.groupCount)")
        return -1
    }
    guard let out, capacity >= Int64(file.header.valuesPerGroup) else {
        fill(message, messageCapacity, "\(file.name): the output holds \(capacity) values, a group \(file.header.valuesPerGroup)")
        return -1
    }
    do {
        let values = try file.group(at: Int(index))
        values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
        return 0
    } catch {
        fill(message, messageCapacity, error.localizedDescription)
        return -1
    }
}

/// Releases a handle from `vtkformat_open`.
@_cdecl("vtkformat_close")
public func vtkformatClose(_ handle: UnsafeMutableRawPointer?) {
    guard let handle else { return }
    Unmanaged<VTKReader>.fromOpaque(handle).release()
}

private func reader(_ handle: UnsafeMutableRawPointer) -> VTKReader {
    Unmanaged<VTKReader>.fromOpaque(handle).takeUnretainedValue()
}

/// Copies `message` into the caller's buffer, truncated and NUL-terminated.
private func fill(_ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ message: String) {
    guard let buffer, capacity > 0 else { return }
    let bytes = Array(message.utf8.prefix(capacity - 1))
    for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
}
