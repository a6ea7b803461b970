import Foundation
import SafeTensors

/// Reading whole float tensors from a safetensors file, for tools and tests.
public enum SafeTensors {
    /// Every tensor of the file at `url` as float32 values with its shape. Throws a
    /// `ViTokError` on malformed files and on I8 tensors (which need a scale).
    public static func readFloats(_ url: URL) throws -> [String: (shape: [Int], values: [Float])] {
        try ViTokError.translating { try SafeTensorsFile.readFloats(url) }
    }
}
