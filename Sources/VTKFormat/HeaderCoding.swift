// Byte encoding of the file prefix (magic, version, header) and header validation.
// Layout: docs/FORMAT.md sections "File prefix" and "Header".

/// Constants of the file layout.
public enum VTKFormat {
    /// The 8 magic bytes every .vtk file starts with (PNG-style: a non-ASCII byte, the name,
    /// CR LF, Ctrl-Z, LF, so text-mode mangling is detected).
    public static let magic: [UInt8] = [0x89, 0x56, 0x54, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The format version this build writes and the only one it reads.
    public static let version: UInt16 = 1
    /// Bytes before the header payload: magic, u16 version, u16 reserved, u32 header length.
    static let prefixLength = 16
    /// Largest header payload accepted.
    static let maxHeaderLength = 16 << 20
    /// Largest number of latent values in one group record (2^27: an 8K frame in 128-pixel
    /// tiles with half-tile overlap needs about 2^27 values of 16-channel 1024-token tiles).
    static let maxValuesPerGroup = 1 << 27

    static let maxNameBytes = 4096
    static let maxConfigBytes = 1 << 20
    static let maxMetadataEntries = 4096
    static let maxMetadataValueBytes = 1 << 16
}

/// Latent-encoding field values: (kind byte, scheme byte).
enum EncodingID {
    static let float16Kind: UInt8 = 0
    static let quantizedKind: UInt8 = 1
    /// Scheme 1: per-channel affine quantization + binary-tree adaptive range coder with
    /// per-channel contexts (docs/FORMAT.md).
    static let rangeCoderScheme: UInt8 = 1
    /// Scheme 2: scheme 1 on temporal residuals (each token's symbols against those one
    /// latent time step earlier, `predictionStride` tokens back); a u32 stride follows.
    static let temporalResidualScheme: UInt8 = 2
}

extension VTKHeader {
    /// The file prefix, header payload and header CRC: the first bytes of every .vtk file.
    func encodedPrefix(file: String) throws -> [UInt8] {
        try validate(file: file)
        var payload = ByteWriter()
        payload.string(modelName)
        payload.raw(modelSHA256)
        payload.string(modelConfigJSON)
        payload.u32(UInt32(width))
        payload.u32(UInt32(height))
        payload.u64(UInt64(frameCount))
        payload.u32(UInt32(frameRate.num))
        payload.u32(UInt32(frameRate.den))
        payload.u32(UInt32(pixelAspect.num))
        payload.u32(UInt32(pixelAspect.den))
        payload.u32(UInt32(groupLength))
        payload.u8(tiling.mode.rawValue)
        for v in [tiling.tileWidth, tiling.tileHeight, tiling.overlapX, tiling.overlapY, tiling.columns, tiling.rows] {
            payload.u32(UInt32(v))
        }
        payload.u32(UInt32(tokensPerTile))
        payload.u32(UInt32(latentChannels))
        switch encoding {
        case .float16:
            payload.raw([EncodingID.float16Kind, 0, 0])
        case .quantized(let bits) where predictionStride > 0:
            payload.raw([EncodingID.quantizedKind, UInt8(bits), EncodingID.temporalResidualScheme])
            payload.u32(UInt32(predictionStride))
        case .quantized(let bits):
            payload.raw([EncodingID.quantizedKind, UInt8(bits), EncodingID.rangeCoderScheme])
        }
        let keys = metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        payload.u32(UInt32(keys.count))
        for key in keys {
            payload.string(key)
            payload.string(metadata[key]!)
        }
        var out = ByteWriter()
        out.raw(VTKFormat.magic)
        out.u16(VTKFormat.version)
        out.u16(0)
        out.u32(UInt32(payload.bytes.count))
        out.raw(payload.bytes)
        out.u32(CRC32.checksum(out.bytes))
        return out.bytes
    }

    /// Parses a header payload (the bytes after the 16-byte prefix, before the CRC).
    static func decode(payload: ArraySlice<UInt8>, file: String) throws -> VTKHeader {
        var r = ByteReader(payload, baseOffset: VTKFormat.prefixLength, file: file, location: "header")
        let name = try r.string("model name", maxBytes: VTKFormat.maxNameBytes)
        let sha = Array(try r.take(32, "model SHA-256"))
        let config = try r.string("model config", maxBytes: VTKFormat.maxConfigBytes)
        let width = try r.count("width", in: VTKHeader.frameSideRange)
        let height = try r.count("height", in: VTKHeader.frameSideRange)
        let framesAt = r.fileOffset
        let frames = try r.u64("frame count")
        guard frames >= 1, frames <= 1 << 40 else {
            throw VTKFormatError(.malformed, file: file, location: "header", offset: framesAt,
                                 "frame count \(frames) is out of range 1...2^40")
        }
        let u32Max = Int(UInt32.max)
        let rate = VTKRational(num: try r.count("frame rate numerator", in: 1...u32Max),
                               den: try r.count("frame rate denominator", in: 1...u32Max))
        let aspect = VTKRational(num: try r.count("pixel aspect numerator", in: 1...u32Max),
                                 den: try r.count("pixel aspect denominator", in: 1...u32Max))
        let groupLength = try r.count("group length", in: 1...4096)
        let mode = VTKTiling.Mode(rawValue: try r.u8("tiling mode"))
        let tileWidth = try r.count("tile width", in: 1...65535)
        let tileHeight = try r.count("tile height", in: 1...65535)
        let overlapX = try r.count("horizontal tile overlap", in: 0...(tileWidth - 1))
        let overlapY = try r.count("vertical tile overlap", in: 0...(tileHeight - 1))
        let tiling = VTKTiling(mode: mode, tileWidth: tileWidth, tileHeight: tileHeight, overlapX: overlapX,
                               overlapY: overlapY, columns: try r.count("tile columns", in: 1...65535),
                               rows: try r.count("tile rows", in: 1...65535))
        let tokens = try r.count("tokens per tile", in: 1...(1 << 20))
        let channels = try r.count("latent channels", in: 1...4096)
        let encodingAt = r.fileOffset
        let kind = try r.u8("latent encoding"), bits = try r.u8("quantizer bits"), scheme = try r.u8("coder scheme")
        let encoding: VTKLatentEncoding
        var predictionStride = 0
        switch (kind, scheme) {
        case (EncodingID.float16Kind, 0) where bits == 0:
            encoding = .float16
        case (EncodingID.quantizedKind, EncodingID.rangeCoderScheme) where VTKLatentEncoding.bitsRange.contains(Int(bits)):
            encoding = .quantized(bits: Int(bits))
        case (EncodingID.quantizedKind, EncodingID.temporalResidualScheme)
            where VTKLatentEncoding.bitsRange.contains(Int(bits)) && tokens > 1:
            encoding = .quantized(bits: Int(bits))
            predictionStride = try r.count("prediction stride", in: 1...(tokens - 1))
        default:
            throw VTKFormatError(.malformed, file: file, location: "header", offset: encodingAt,
                                 "unknown latent encoding (kind \(kind), bits \(bits), scheme \(scheme))")
        }
        let entries = try r.count("metadata entry count", in: 0...VTKFormat.maxMetadataEntries)
        var metadata: [String: String] = [:]
        var previousKey: [UInt8]? = nil
        for i in 0..<entries {
            let keyAt = r.fileOffset
            let key = try r.string("metadata key \(i)", maxBytes: VTKFormat.maxNameBytes)
            if let previousKey, !previousKey.lexicographicallyPrecedes(Array(key.utf8)) {
                throw VTKFormatError(.malformed, file: file, location: "header", offset: keyAt,
                                     "metadata key \(i) is duplicated or out of order")
            }
            previousKey = Array(key.utf8)
            metadata[key] = try r.string("metadata value \(i)", maxBytes: VTKFormat.maxMetadataValueBytes)
        }
        try r.expectEnd()
        let header = VTKHeader(
            modelName: name, modelSHA256: sha, modelConfigJSON: config, width: width, height: height,
            frameCount: Int(frames), frameRate: rate, pixelAspect: aspect, groupLength: groupLength,
            tiling: tiling, tokensPerTile: tokens, latentChannels: channels, encoding: encoding,
            predictionStride: predictionStride, metadata: metadata)
        try header.validateSizes(file: file, offset: VTKFormat.prefixLength)
        return header
    }

    /// Checks every field is in the range the file format can hold; used before writing.
    func validate(file: String) throws {
        func fail(_ message: String) -> VTKFormatError {
            VTKFormatError(.malformed, file: file, location: "header", message)
        }
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw fail("\(name) is \(value), expected \(range.lowerBound)...\(range.upperBound)")
            }
        }
        guard modelSHA256.count == 32 else { throw fail("model SHA-256 has \(modelSHA256.count) bytes, expected 32") }
        try check("model name length", modelName.utf8.count, 0...VTKFormat.maxNameBytes)
        try check("model config length", modelConfigJSON.utf8.count, 0...VTKFormat.maxConfigBytes)
        try check("width", width, VTKHeader.frameSideRange)
        try check("height", height, VTKHeader.frameSideRange)
        try check("frame count", frameCount, 1...(1 << 40))
        let u32Max = Int(UInt32.max)
        for (name, v) in [("frame rate numerator", frameRate.num), ("frame rate denominator", frameRate.den),
                          ("pixel aspect numerator", pixelAspect.num), ("pixel aspect denominator", pixelAspect.den)] {
            try check(name, v, 1...u32Max)
        }
        try check("group length", groupLength, 1...4096)
        try check("tile width", tiling.tileWidth, 1...65535)
        try check("tile height", tiling.tileHeight, 1...65535)
        try check("horizontal tile overlap", tiling.overlapX, 0...(tiling.tileWidth - 1))
        try check("vertical tile overlap", tiling.overlapY, 0...(tiling.tileHeight - 1))
        try check("tile columns", tiling.columns, 1...65535)
        try check("tile rows", tiling.rows, 1...65535)
        try check("tokens per tile", tokensPerTile, 1...(1 << 20))
        try check("latent channels", latentChannels, 1...4096)
        if case .quantized(let bits) = encoding { try check("quantizer bits", bits, VTKLatentEncoding.bitsRange) }
        if predictionStride != 0 {
            guard case .quantized = encoding else { throw fail("a prediction stride needs the quantized encoding") }
            try check("prediction stride", predictionStride, 1...max(1, tokensPerTile - 1))
            guard tokensPerTile > 1 else { throw fail("a prediction stride needs more than one token per tile") }
        }
        try check("metadata entry count", metadata.count, 0...VTKFormat.maxMetadataEntries)
        for (key, value) in metadata {
            try check("metadata key length", key.utf8.count, 0...VTKFormat.maxNameBytes)
            try check("metadata value length", value.utf8.count, 0...VTKFormat.maxMetadataValueBytes)
        }
        try validateSizes(file: file, offset: nil)
    }

    /// Overflow-safe check that one group's latent tensor has at most `maxValuesPerGroup` values.
    func validateSizes(file: String, offset: Int?) throws {
        var product = 1
        for factor in [tiling.columns, tiling.rows, tokensPerTile, latentChannels] {
            let (p, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow, p <= VTKFormat.maxValuesPerGroup else {
                throw VTKFormatError(.malformed, file: file, location: "header", offset: offset,
                                     "a group would hold more than 2^27 latent values (tiles x tokens x channels)")
            }
            product = p
        }
        let sets = predictionStride > 0 ? 2 : 1
        if case .quantized(let bits) = encoding, sets * latentChannels << bits > GroupCoding.maxCoderContexts {
            throw VTKFormatError(.malformed, file: file, location: "header", offset: offset,
                                 "\(latentChannels) channels at \(bits) bits need more than 2^24 coder contexts")
        }
    }
}
