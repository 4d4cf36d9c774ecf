import Diagnostics
import Foundation
import Yams

/// Reads and writes blueprints as YAML (or JSON), and checks them.
public enum BlueprintFile {
    /// A blueprint read from text, with every problem found in it (errors and warnings).
    public struct Loaded: Sendable {
        public let blueprint: Blueprint?
        public let issues: [PackIssue]

        public var errors: [PackIssue] { issues.filter { $0.severity == .error } }
    }

    /// Reads and validates a blueprint; a structural problem stops there, otherwise every check runs.
    public static func check(yaml: String, file: String) -> Loaded {
        do {
            let (blueprint, root) = try ParameterFile.decode(Blueprint.self, yaml: yaml, file: file)
            return Loaded(blueprint: blueprint, issues: BlueprintValidator(blueprint, root: root, file: file).issues())
        } catch {
            return Loaded(blueprint: nil, issues: error.issues)
        }
    }

    /// Reads a blueprint file and validates it.
    /// - Throws: ``PackLoadError`` when it has errors (warnings alone do not stop it).
    public static func load(path: String) throws -> Blueprint {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw PackLoadError(issues: [
                PackIssue(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the blueprint file")
            ])
        }
        let loaded = check(yaml: text, file: path)
        guard let blueprint = loaded.blueprint, loaded.errors.isEmpty else {
            throw PackLoadError(issues: loaded.issues)
        }
        return blueprint
    }

    /// The blueprint as YAML, keys in a fixed order, with a header comment.
    public static func yaml(_ blueprint: Blueprint) throws -> String {
        let body = try YAMLEncoder().encode(blueprint)
        return """
            # Baton agent system blueprint for \(commentText(blueprint.business.name)).
            # Check it with `baton blueprint validate FILE`; read it in plain words with `baton blueprint explain FILE`.
            # Secrets are never written here: connectors name environment variables as ${env:NAME}.

            """ + body
    }

    /// Text fit for a one-line YAML comment: a line break would end the comment and turn the rest
    /// into YAML, and YAML refuses control characters anywhere in a file, comments included. The
    /// value itself is written in full by the encoder, which escapes what it must.
    static func commentText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if PlainText.isLineBreak(scalar) || scalar == "\t" {
                out.append(" ")
            } else if PlainText.isForbidden(scalar) || scalar == "\u{FEFF}" {
                out.append("\u{FFFD}")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The blueprint as JSON with sorted keys.
    public static func json(_ blueprint: Blueprint) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(blueprint), as: UTF8.self) + "\n"
    }
}
