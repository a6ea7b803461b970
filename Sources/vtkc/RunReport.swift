import Foundation

/// The JSON summary of a compress, expand or reencode run: the library's summary with the
/// input, the output and the timing added at the same level.
struct RunReport<Summary: Encodable>: Encodable {
    var input: String
    var output: String
    var summary: Summary
    var seconds: Double
    /// Extra fields of the command (e.g. bits per pixel, the x264 settings).
    var fields: [String: Field] = [:]

    /// A number or a text.
    enum Field: Encodable {
        case number(Double), integer(Int), text(String)

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            }
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(input, forKey: Key("input"))
        try container.encode(output, forKey: Key("output"))
        try container.encode(seconds, forKey: Key("seconds"))
        for (name, value) in fields { try container.encode(value, forKey: Key(name)) }
    }
}
