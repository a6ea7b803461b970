import Foundation
import SafeTensors

/// Whole float tensors of a safetensors file, read through ViTok's errors (tools and tests).
public enum FloatTensorFile {
    /// Every tensor of the file at `url` as float32 values with its shape. Throws a
    /// `ViTokError` on malformed files and on I8 tensors (which need a scale).
    public static func readFloats(_ url: URL) throws -> [String: (shape: [Int], values: [Float])] {
        try ViTokError.translating { try SafeTensorsFile.readFloats(url) }
    }
}
