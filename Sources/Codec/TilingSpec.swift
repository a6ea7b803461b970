import Foundation

/// A tiling in its short written form, MODE[:OVERLAP[:BLEND]] (`none`, `reflect`,
/// `overlap:16:linear`): how `vtkc seams` takes candidates and labels its rows, so a row's
/// label can be given back as a candidate. Overlap and blend default to those of
/// `TilingOptions.default(tileSize:)` for the model's tiles.
public struct TilingSpec: Equatable, Sendable {
    public var mode: TilingMode
    public var overlap: Int?
    public var ramp: BlendRamp?

    /// A tiling from its parts; overlap and blend left nil take the defaults of `options`.
    public init(mode: TilingMode, overlap: Int? = nil, ramp: BlendRamp? = nil) {
        self.mode = mode
        self.overlap = overlap
        self.ramp = ramp
    }

    /// Parses `text`; throws `CodecError.invalidOption` naming the accepted form.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), let mode = TilingMode(rawValue: parts[0]),
              parts.count < 2 || Int(parts[1]) != nil, parts.count < 3 || BlendRamp(rawValue: parts[2]) != nil else {
            throw CodecError.invalidOption("tiling '\(text)': write MODE[:OVERLAP[:BLEND]], MODE one of "
                + TilingMode.allCases.map(\.rawValue).joined(separator: ", ") + ", BLEND "
                + BlendRamp.allCases.map(\.rawValue).joined(separator: " or "))
        }
        self.mode = mode
        overlap = parts.count > 1 ? Int(parts[1]) : nil
        ramp = parts.count > 2 ? BlendRamp(rawValue: parts[2]) : nil
    }

    /// The short form of `options` (overlap and blend only for the overlapping modes).
    public init(_ options: TilingOptions) {
        mode = options.mode
        overlap = options.mode.overlaps ? options.overlap : nil
        ramp = options.mode.overlaps ? options.ramp : nil
    }

    /// The options for tiles `tileSize` pixels wide (checked by `TilingOptions.validate`):
    /// the one place a written or flagged tiling becomes options.
    public func options(tileSize: Int) throws -> TilingOptions {
        let options = TilingOptions(mode: mode, overlap: overlap ?? TilingOptions.defaultOverlap(tileSize: tileSize),
                                    ramp: ramp ?? TilingOptions.default(tileSize: tileSize).ramp)
        do { try options.validate(tileSize: tileSize) } catch CodecError.invalidOption(let detail) {
            throw CodecError.invalidOption("tiling '\(text)': \(detail)")
        }
        return options
    }

    /// The written form: `none`, or `overlap:16:cosine` with what is given.
    public var text: String {
        [mode.rawValue, overlap.map(String.init), ramp?.rawValue].compactMap { $0 }.joined(separator: ":")
    }
}
