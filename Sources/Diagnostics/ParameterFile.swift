import Foundation
import Yams

/// Reads a parameter file (YAML) into a `Decodable` type, strictly: syntax errors, missing or
/// mistyped keys and unknown keys are reported with file, line and column, like a questionnaire.
public enum ParameterFile {
    /// Decodes `yaml` as `T`, or throws every problem found.
    public static func decode<T: Codable>(_ type: T.Type, yaml: String, file: String) throws(PackLoadError) -> (T, Node)
    {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw PackLoadError(issues: [
                    PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "the file is empty")
                ])
            }
            root = composed
        } catch let error as PackLoadError {
            throw error
        } catch let error as YamlError {
            throw PackLoadError(issues: [PackIssue.yamlSyntax(error, file: file)])
        } catch {
            throw PackLoadError(issues: [
                PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "\(error)")
            ])
        }
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: root)
        } catch let error as DecodingError {
            throw PackLoadError(issues: [issue(for: error, in: root, file: file)])
        } catch {
            throw PackLoadError(issues: [
                PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "\(error)")
            ])
        }
        let unknown = unknownKeys(original: root, decoded: value, file: file)
        if !unknown.isEmpty { throw PackLoadError(issues: unknown) }
        return (value, root)
    }

    /// The position of the node at `path` (mapping keys and sequence indices), or of its nearest parent.
    public static func location(of path: [String], in root: Node, file: String) -> SourceLocation {
        var node = root
        for component in path {
            if case .mapping(let mapping) = node, let next = mapping.first(where: { $0.key.string == component }) {
                node = next.value
            } else if case .sequence(let sequence) = node, let index = Int(component), index < sequence.count {
                node = sequence[index]
            } else {
                break
            }
        }
        return SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private static func issue(for error: DecodingError, in root: Node, file: String) -> PackIssue {
        let (path, message): ([CodingKey], String)
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath
            message = "missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            path = context.codingPath
            message = "expected \(describe(type)) at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted(let context):
            path = context.codingPath
            message = context.debugDescription
        @unknown default:
            path = []
            message = "\(error)"
        }
        let keys = path.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return PackIssue(.error, at: location(of: keys, in: root, file: file), message)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Decimal.Type: return "a number"
        case is Int.Type: return "a whole number"
        case is String.Type: return "text"
        case is Bool.Type: return "true or false"
        default: return "a \(type)".replacingOccurrences(of: "Swift.", with: "")
        }
    }

    /// Keys present in the file that the decoded value does not hold: re-encode it and compare.
    private static func unknownKeys<T: Encodable>(original: Node, decoded: T, file: String) -> [PackIssue] {
        guard let text = try? YAMLEncoder().encode(decoded), let encoded = try? Yams.compose(yaml: text) else {
            return []
        }
        var issues: [PackIssue] = []
        func walk(_ a: Node, _ b: Node) {
            switch (a, b) {
            case (.mapping(let am), .mapping(let bm)):
                for (key, value) in am {
                    if let match = bm.first(where: { $0.key.string == key.string }) {
                        walk(value, match.value)
                    } else if value.null == nil {
                        let known = bm.map { $0.key.string ?? "" }
                        issues.append(
                            PackIssue(
                                .error,
                                at: SourceLocation(
                                    file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1),
                                "unknown key '\(key.string ?? "")'; allowed here: \(known.joined(separator: ", "))"))
                    }
                }
            case (.sequence(let aseq), .sequence(let bseq)):
                for (x, y) in zip(aseq, bseq) { walk(x, y) }
            default:
                break
            }
        }
        walk(original, encoded)
        return issues
    }
}
