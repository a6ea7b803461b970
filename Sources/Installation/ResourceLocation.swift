import Foundation

/// Where vtkc finds a resource it does not ship inside the binary (the ViTok model, the metric
/// networks' weights). One search order for all of them:
///
/// 1. an explicit path (a command-line option such as `--model`), taken as given;
/// 2. the environment variable (`$VTKC_MODEL`, `$VTKC_WEIGHTS_DIR`), taken as given;
/// 3. next to the executable: `<exe>/../share/vtkc/<installedPath>`, when it exists;
/// 4. the source tree, for development: `<repo>/<sourceTreePath>`, when it exists, where
///    `<repo>` is the nearest folder above the executable that holds `Package.swift` and
///    `Sources/vtkc` (so `.build/debug/vtkc`, `.build/release/vtkc` and the test runner find
///    the checkout they were built in; an installed binary has none).
///
/// Paths named explicitly or by the environment are not checked: the caller reports a missing
/// one, naming where it came from. The executable's symlinks are resolved first.
public struct ResourceLocation: Sendable {
    /// The environment variable that names the resource, e.g. "VTKC_MODEL".
    public let environmentVariable: String
    /// The path below `<exe>/../share/vtkc` of an installed copy.
    public let installedPath: String
    /// The path below the repository root of the development copy.
    public let sourceTreePath: String

    /// A resource found through `environmentVariable`, `installedPath` and `sourceTreePath`.
    public init(environmentVariable: String, installedPath: String, sourceTreePath: String) {
        self.environmentVariable = environmentVariable
        self.installedPath = installedPath
        self.sourceTreePath = sourceTreePath
    }

    /// Where a candidate came from, for messages ("from $VTKC_MODEL").
    public enum Origin: Equatable, Sendable {
        case explicit, environment, installed, sourceTree
    }

    /// The candidates in search order, each with its origin; steps that do not apply (no
    /// explicit path, the variable unset or empty, no source tree) are left out.
    public func candidates(explicit: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           executable: URL? = ResourceLocation.executableURL())
        -> [(url: URL, origin: Origin)] {
        var result: [(URL, Origin)] = []
        if let explicit { result.append((URL(fileURLWithPath: explicit), .explicit)) }
        if let named = environment[environmentVariable], !named.isEmpty {
            result.append((URL(fileURLWithPath: named), .environment))
        }
        if let executable {
            let folder = executable.deletingLastPathComponent()
            result.append((folder.appendingPathComponent("../share/vtkc/\(installedPath)").standardized,
                           .installed))
            if let repo = Self.sourceTree(above: folder) {
                result.append((repo.appendingPathComponent(sourceTreePath), .sourceTree))
            }
        }
        return result
    }

    /// The resource: the explicit or environment path when given (existing or not), else the
    /// first existing of the installed and source-tree copies; nil when there is none.
    public func resolve(explicit: String? = nil,
                        environment: [String: String] = ProcessInfo.processInfo.environment,
                        executable: URL? = ResourceLocation.executableURL()) -> (url: URL, origin: Origin)? {
        let all = candidates(explicit: explicit, environment: environment, executable: executable)
        if let named = all.first(where: { $0.origin == .explicit || $0.origin == .environment }) {
            return named
        }
        return all.first { FileManager.default.fileExists(atPath: $0.url.path) }
    }

    /// Like `resolve`, but never nil: when nothing exists, the last candidate (the source-tree
    /// copy in a checkout, else the installed one), which is where a message should point.
    public func expected(environment: [String: String] = ProcessInfo.processInfo.environment,
                         executable: URL? = ResourceLocation.executableURL()) -> URL {
        resolve(environment: environment, executable: executable)?.url
            ?? candidates(environment: environment, executable: executable).last?.url
            ?? URL(fileURLWithPath: sourceTreePath)
    }

    /// The running executable with symlinks resolved, nil when unknown.
    public static func executableURL() -> URL? {
        let url = Bundle.main.executableURL
            ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0) }
        return url?.resolvingSymlinksInPath()
    }

    /// The nearest folder at or above `folder` that holds `Package.swift` and `Sources/vtkc`.
    public static func sourceTree(above folder: URL) -> URL? {
        var current = folder.standardized
        while true {
            let package = current.appendingPathComponent("Package.swift").path
            let sources = current.appendingPathComponent("Sources/vtkc").path
            if FileManager.default.fileExists(atPath: package), FileManager.default.fileExists(atPath: sources) {
                return current
            }
            let parent = current.deletingLastPathComponent().standardized
            if current.path == "/" || parent.path == current.path { return nil }
            current = parent
        }
    }
}
