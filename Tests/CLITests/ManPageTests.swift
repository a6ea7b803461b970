import Foundation
import XCTest

/// Keeps man/vtkc.1 in step with the built binary's `--help`: every subcommand listed by
/// `vtkc --help` needs its own `.SS vtkc <command>` section, and every option that
/// `vtkc <command> --help` shows must have an entry there: appear in the tag line of a `.TP`
/// paragraph, not merely in the prose (options that `vtkc --help` itself shows, --version and
/// -h/--help, in the top-level OPTIONS section instead).
final class ManPageTests: XCTestCase {
    static let manPage = CodecCLI.repo.appendingPathComponent("man/vtkc.1")

    func testEverySubcommandAndOptionIsDocumented() throws {
        let man = try ManPage(url: Self.manPage)
        let top = try help([])
        let commands = ManPage.subcommands(inHelp: top)
        XCTAssertGreaterThanOrEqual(commands.count, 4, "no subcommands parsed from vtkc --help:\n\(top)")
        let globalOptions = ManPage.options(inHelp: top)
        XCTAssertTrue(globalOptions.contains("--help"), "no options parsed from vtkc --help:\n\(top)")

        let globalSection = try XCTUnwrap(man.optionTags(heading: ".SH OPTIONS"), "man page has no .SH OPTIONS")
        for option in globalOptions {
            XCTAssertTrue(ManPage.mentions(option, in: globalSection),
                          "\(option) (vtkc --help) is not in the OPTIONS section of man/vtkc.1")
        }

        for command in commands {
            guard let section = man.optionTags(heading: ".SS vtkc \(command)") else {
                XCTFail("man/vtkc.1 has no section `.SS vtkc \(command)`")
                continue
            }
            let options = ManPage.options(inHelp: try help([command]))
            XCTAssertFalse(options.isEmpty, "no options parsed from vtkc \(command) --help")
            for option in options where !globalOptions.contains(option) {
                XCTAssertTrue(ManPage.mentions(option, in: section),
                              "\(option) (vtkc \(command) --help) has no .TP entry under `.SS vtkc \(command)` in man/vtkc.1")
            }
        }
    }

    /// The parser itself: it must find short flags and long options, and only in the option
    /// column (an option named in a description does not count as documented-by-help).
    func testHelpParsing() {
        let help = """
            OPTIONS:
              -o, --output <file>     Output file.
              -y                      Overwrite (see --force-other).
              --latent-encoding <kind>
                                      Latent storage.
              -h, --help              Show help information.

            """
        XCTAssertEqual(ManPage.options(inHelp: help), ["-o", "--output", "-y", "--latent-encoding", "-h", "--help"])
        XCTAssertTrue(ManPage.mentions("--bits", in: "implies \\fB\\-\\-bits\\fR n"))
        XCTAssertFalse(ManPage.mentions("--bits", in: "\\-\\-bitsize"))
        XCTAssertFalse(ManPage.mentions("-o", in: "\\-\\-output"))
        let man = ManPage(source: ".SS vtkc x\nUse \\-\\-quiet here.\n.TP\n.B \\-y\nOverwrite.\n.SS vtkc z\n.TP\n.B \\-\\-quiet\n")
        let tags = man.optionTags(heading: ".SS vtkc x") ?? ""
        XCTAssertTrue(ManPage.mentions("-y", in: tags))
        XCTAssertFalse(ManPage.mentions("--quiet", in: tags), "prose or another section's entry counted")
        XCTAssertNil(man.optionTags(heading: ".SS vtkc w"))
    }

    private func help(_ command: [String]) throws -> String {
        let result = try CodecCLI.run(command + ["--help"], in: CodecCLI.repo)
        XCTAssertEqual(result.status, 0, "vtkc \(command) --help failed: \(result.stderr)")
        return result.stdout
    }
}

/// The roff source of the man page, with the escapes that matter for option names undone.
struct ManPage {
    let lines: [String]

    init(url: URL) throws {
        self.init(source: try String(contentsOf: url, encoding: .utf8))
    }

    init(source: String) {
        lines = source.components(separatedBy: "\n")
    }

    /// The tag lines (each line right after a `.TP`) between `heading` and the next `.SH` or
    /// `.SS`, joined; nil if there is no such heading.
    func optionTags(heading: String) -> String? {
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == heading })
        else { return nil }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex(where: { $0.hasPrefix(".SH") || $0.hasPrefix(".SS") }) ?? lines.endIndex
        var tags: [String] = []
        for index in (start + 1)..<end where lines[index].hasPrefix(".TP") && index + 1 < end {
            tags.append(lines[index + 1])
        }
        return tags.joined(separator: "\n")
    }

    /// Whether `option` (e.g. "--bits" or "-y") occurs in roff `text` as a whole word.
    static func mentions(_ option: String, in text: String) -> Bool {
        var plain = text.replacingOccurrences(of: "\\-", with: "-")
        for font in ["\\fB", "\\fI", "\\fR", "\\fP"] { plain = plain.replacingOccurrences(of: font, with: " ") }
        let nameChars = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))
        var searchRange = plain.startIndex..<plain.endIndex
        while let found = plain.range(of: option, range: searchRange) {
            let before = found.lowerBound == plain.startIndex ? nil : plain[plain.index(before: found.lowerBound)]
            let after = found.upperBound == plain.endIndex ? nil : plain[found.upperBound]
            let isWord: (Character?) -> Bool = { c in
                c.map { $0.unicodeScalars.allSatisfy { nameChars.contains($0) } } ?? false
            }
            if !isWord(before) && !isWord(after) { return true }
            searchRange = found.upperBound..<plain.endIndex
        }
        return false
    }

    /// Subcommand names from the SUBCOMMANDS block of `vtkc --help`.
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = []
        var inBlock = false
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("SUBCOMMANDS:") { inBlock = true; continue }
            guard inBlock else { continue }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            let name = line.dropFirst(2).prefix { $0 != " " }
            if let first = name.first, first.isLowercase { names.append(String(name)) }
        }
        return names
    }

    /// Long options and short flags from the option column of the OPTIONS block of `--help`.
    static func options(inHelp help: String) -> [String] {
        var found: [String] = []
        var inBlock = false
        for line in help.components(separatedBy: "\n") {
            if line.hasSuffix(":") && !line.hasPrefix(" ") { inBlock = line == "OPTIONS:"; continue }
            guard inBlock, line.hasPrefix("  -") else { continue }
            let column = line.dropFirst(2).components(separatedBy: "  ")[0]
            for word in column.split(whereSeparator: { $0 == " " || $0 == "," }) where word.hasPrefix("-") {
                found.append(String(word))
            }
        }
        return found
    }
}
