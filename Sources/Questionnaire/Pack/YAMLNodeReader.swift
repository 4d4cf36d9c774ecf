import Diagnostics
import Foundation
import Yams

/// Reads typed values out of a YAML node tree and records a positioned issue for everything wrong.
///
/// A class so that the many small readers in ``PackLoader`` share one list of issues.
final class YAMLNodeReader {
    let file: String
    private(set) var issues: [PackIssue] = []

    init(file: String) {
        self.file = file
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func report(_ message: String, at node: Node, severity: PackIssue.Severity = .error) {
        issues.append(PackIssue(severity, at: location(node), message))
    }

    func report(_ issue: PackIssue) {
        issues.append(issue)
    }

    /// The pairs of a mapping, reporting keys outside `allowed` and any required key that is missing.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report("\(what) must be a mapping of keys to values", at: node)
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                report("keys in \(what) must be plain names", at: keyNode)
                continue
            }
            if !allowed.contains(key) {
                let hint = Spelling.hint(for: key, in: allowed)
                report(
                    "unknown key '\(key)' in \(what)\(hint); allowed: \(allowed.joined(separator: ", "))", at: keyNode)
                continue
            }
            if result[key] != nil {
                report("key '\(key)' appears twice in \(what)", at: keyNode)
            }
            result[key] = value
        }
        for key in required where result[key] == nil {
            report("\(what) needs '\(key)'", at: node)
        }
        return result
    }

    func string(_ node: Node?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            report("\(what) must be text", at: node)
            return nil
        }
        return scalar.string
    }

    func int(_ node: Node?, _ what: String) -> Int? {
        guard let node else { return nil }
        guard let value = node.int else {
            report("\(what) must be a whole number", at: node)
            return nil
        }
        return value
    }

    func decimal(_ node: Node?, _ what: String) -> Decimal? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, node.float != nil,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else {
            report("\(what) must be a number", at: node)
            return nil
        }
        return value
    }

    func bool(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else {
            report("\(what) must be true or false", at: node)
            return nil
        }
        return value
    }

    func sequence(_ node: Node?, _ what: String) -> [Node] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node else {
            report("\(what) must be a list", at: node)
            return []
        }
        return Array(sequence)
    }

    /// Parses an expression, reporting a syntax error at the exact column inside the scalar.
    func expression(_ node: Node?, _ what: String) -> PackExpression? {
        guard let node, let text = string(node, what) else { return nil }
        let scalar = node.scalar
        let quoted = scalar?.style == .singleQuoted || scalar?.style == .doubleQuoted
        let start = location(node)
        let mapsColumns = !text.contains("\n") && (scalar?.style == .plain || quoted)
        let origin = SourceLocation(file: file, line: start.line, column: start.column + (quoted ? 1 : 0))
        do {
            let parsed = try ExpressionParser.parse(text)
            return PackExpression(source: text, expression: parsed, location: origin, mapsColumns: mapsColumns)
        } catch {
            let located = PackExpression(
                source: text, expression: .literal(.null, offset: 0), location: origin, mapsColumns: mapsColumns)
            issues.append(PackIssue(.error, at: located.location(at: error.offset), "in \(what): \(error.message)"))
            return nil
        }
    }
}
