import Foundation

/// The shape of a ViTok model: the `vitok_config` JSON stored in every weights file
/// (docs/MODEL.md). Keys are snake_case; extra keys are ignored when decoding.
public struct ViTokConfig: Codable, Sendable, Equatable {
    public var encoderWidth: Int
    public var encoderDepth: Int
    public var encoderHeads: Int
    public var encoderMlpHidden: Int
    public var decoderWidth: Int
    public var decoderDepth: Int
    public var decoderHeads: Int
    public var decoderMlpHidden: Int
    /// Latent channels c per token.
    public var latentChannels: Int
    /// Tubelet size (q frames, p rows, p columns).
    public var tubelet: [Int]
    /// Clip size (T frames, H rows, W columns).
    public var clip: [Int]
    public var ropeTheta: Double
    /// Rotary pairs per head for the (t, h, w) axes; they sum to 32 (head dim 64).
    public var ropePairs: [Int]

    enum CodingKeys: String, CodingKey {
        case encoderWidth = "encoder_width", encoderDepth = "encoder_depth"
        case encoderHeads = "encoder_heads", encoderMlpHidden = "encoder_mlp_hidden"
        case decoderWidth = "decoder_width", decoderDepth = "decoder_depth"
        case decoderHeads = "decoder_heads", decoderMlpHidden = "decoder_mlp_hidden"
        case latentChannels = "latent_channels", tubelet, clip
        case ropeTheta = "rope_theta", ropePairs = "rope_pairs"
    }

    /// Head dimension of every ViTok config.
    public static let headDim = 64

    /// Creates a config; the defaults are ViTok S-B/4x8.
    public init(encoderWidth: Int = 768, encoderDepth: Int = 6, encoderHeads: Int = 12,
                encoderMlpHidden: Int = 2048, decoderWidth: Int = 768, decoderDepth: Int = 12,
                decoderHeads: Int = 12, decoderMlpHidden: Int = 2048, latentChannels: Int = 16,
                tubelet: [Int] = [4, 8, 8], clip: [Int] = [16, 128, 128],
                ropeTheta: Double = 10000, ropePairs: [Int] = [8, 12, 12]) {
        self.encoderWidth = encoderWidth
        self.encoderDepth = encoderDepth
        self.encoderHeads = encoderHeads
        self.encoderMlpHidden = encoderMlpHidden
        self.decoderWidth = decoderWidth
        self.decoderDepth = decoderDepth
        self.decoderHeads = decoderHeads
        self.decoderMlpHidden = decoderMlpHidden
        self.latentChannels = latentChannels
        self.tubelet = tubelet
        self.clip = clip
        self.ropeTheta = ropeTheta
        self.ropePairs = ropePairs
    }

    /// ViTok S-B/4x8 (docs/MODEL.md).
    public static let sb4x8 = ViTokConfig()

    /// Token grid (t, h, w) = clip / tubelet.
    public var grid: [Int] { zip(clip, tubelet).map { $0 / $1 } }
    /// Tokens per clip, L.
    public var tokens: Int { grid.reduce(1, *) }
    /// Values per tubelet, 3 q p p.
    public var patchDim: Int { 3 * tubelet.reduce(1, *) }
    /// Floats in one clip (T x H x W x 3).
    public var clipValues: Int { 3 * clip.reduce(1, *) }
    /// Floats in one clip's latents (L x c).
    public var latentValues: Int { tokens * latentChannels }

    /// Decodes and checks the `vitok_config` JSON text (throws `ConfigProblem`).
    static func parse(json: String) throws -> ViTokConfig {
        let config: ViTokConfig
        do {
            config = try JSONDecoder().decode(ViTokConfig.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ConfigProblem("lacks the key \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigProblem("has a value of the wrong type at \(path)")
        } catch {
            throw ConfigProblem("is not a valid JSON object")
        }
        try config.check()
        return config
    }

    /// The config as compact snake_case JSON, as stored in weights metadata.
    public func jsonString() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Throws a `ViTokError` when the numbers cannot describe a ViTok model.
    public func validate() throws {
        do {
            try check()
        } catch let problem as ConfigProblem {
            throw ViTokError(.invalidConfig, file: nil, problem.detail)
        }
    }

    func check() throws {
        let sizes = [encoderWidth, encoderDepth, encoderHeads, encoderMlpHidden, decoderWidth,
                     decoderDepth, decoderHeads, decoderMlpHidden, latentChannels]
        guard sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
            throw ConfigProblem("has a non-positive or absurd size")
        }
        for (side, width, heads) in [("encoder", encoderWidth, encoderHeads),
                                     ("decoder", decoderWidth, decoderHeads)]
            where width != Self.headDim * heads {
            throw ConfigProblem("\(side)_width \(width) is not 64 x \(side)_heads (\(heads))")
        }
        guard tubelet.count == 3, clip.count == 3, ropePairs.count == 3 else {
            throw ConfigProblem("tubelet, clip and rope_pairs must have 3 entries each")
        }
        guard tubelet.allSatisfy({ $0 > 0 && $0 <= 1024 }),
              clip.allSatisfy({ $0 > 0 && $0 <= 8192 }) else {
            throw ConfigProblem("tubelet and clip sizes must be positive")
        }
        guard ropePairs.allSatisfy({ $0 >= 0 }), ropePairs.reduce(0, +) == Self.headDim / 2 else {
            throw ConfigProblem("rope_pairs \(ropePairs) must be non-negative and sum to 32")
        }
        guard zip(clip, tubelet).allSatisfy({ $0 % $1 == 0 }) else {
            throw ConfigProblem("clip \(clip) is not divisible by tubelet \(tubelet)")
        }
        guard ropeTheta.isFinite, ropeTheta > 1 else {
            throw ConfigProblem("rope_theta \(ropeTheta) must be a finite number above 1")
        }
    }
}

/// A config problem, turned into a `ViTokError` with the file name by the loader.
struct ConfigProblem: Error {
    let detail: String
    init(_ detail: String) { self.detail = "vitok_config " + detail }
}
