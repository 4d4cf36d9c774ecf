import Diagnostics
import Foundation
import Yams

/// Answers as a file: YAML or JSON, for `baton assess --answers` and `baton answers export`.
///
/// ```yaml
/// pack: smb-ai-readiness
/// answers:
///   business_name: Northside Plumbing
///   workflows: [lead_intake, scheduling]
///   workflow_details:
///     lead_intake: { hours: 6, people: 2 }
/// ```
public enum AnswersFile {
    /// The file's format, chosen by its extension on export.
    public enum Format: String, Sendable, CaseIterable {
        case yaml, json
    }

    /// Reads a file's answers as raw inputs, keyed by answer key, without interpreting them yet.
    /// - Throws: ``AnswersFileError`` when the text is not YAML/JSON of the expected shape.
    public static func read(_ text: String, file: String) throws(AnswersFileError) -> RawAnswers {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let issue = PackIssue.yamlSyntax(error, file: file)
            throw AnswersFileError("\(issue.location): \(issue.message)")
        } catch {
            throw AnswersFileError("\(file): \(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw AnswersFileError("\(file): expected a mapping with an 'answers' key")
        }
        var packId: String?
        var answersNode: Node?
        for (key, value) in top {
            switch key.string {
            case "pack": packId = value.string
            case "answers": answersNode = value
            default:
                throw AnswersFileError(
                    "\(file):\(key.mark?.description ?? "1:1"): unknown key '\(key.string ?? "")'; expected 'pack' and 'answers'"
                )
            }
        }
        guard let answersNode, case .mapping(let answers) = answersNode else {
            throw AnswersFileError("\(file): expected 'answers:' holding a mapping of question ids to answers")
        }
        var inputs: [AnswerKey: RawAnswer] = [:]
        for (key, value) in answers {
            let id = key.string ?? ""
            if case .mapping(let items) = value {
                for (itemKey, itemValue) in items {
                    guard case .mapping(let fields) = itemValue else {
                        throw AnswersFileError(
                            "\(file):\(itemValue.mark?.description ?? "1:1"): '\(id).\(itemKey.string ?? "")' must map question ids to answers"
                        )
                    }
                    for (fieldKey, fieldValue) in fields {
                        let answerKey = AnswerKey(
                            question: fieldKey.string ?? "", group: id, item: itemKey.string ?? "")
                        inputs[answerKey] = RawAnswer(
                            input: try input(fieldValue, file: file), line: fieldKey.mark?.line ?? 0)
                    }
                }
            } else {
                inputs[AnswerKey(question: id)] = RawAnswer(
                    input: try input(value, file: file), line: key.mark?.line ?? 0)
            }
        }
        return RawAnswers(packId: packId, inputs: inputs)
    }

    private static func input(_ node: Node, file: String) throws(AnswersFileError) -> AnswerInput {
        switch node {
        case .scalar(let scalar):
            if node.null != nil && scalar.style == .plain { return .value(nil) }
            return .text(scalar.string)
        case .sequence(let sequence):
            return .items(sequence.map { $0.string ?? "" })
        default:
            throw AnswersFileError("\(file):\(node.mark?.description ?? "1:1"): expected a value or a list")
        }
    }

    /// Writes the answers of the questions on the interview's plan, in asking order.
    public static func export(_ interview: Interview, format: Format) -> String {
        var top: [(String, ExportNode)] = []
        var groups: [String: Int] = [:]
        let answers = interview.effectiveAnswers
        for step in interview.plan {
            guard let value = answers[step.key] else { continue }
            let node = exportNode(value, type: interview.question(of: step).type)
            guard let group = step.key.group, let item = step.key.item else {
                top.append((step.key.question, node))
                continue
            }
            if groups[group] == nil {
                groups[group] = top.count
                top.append((group, .map([])))
            }
            guard case .map(var items) = top[groups[group]!].1 else { continue }
            if let index = items.firstIndex(where: { $0.0 == item }), case .map(var fields) = items[index].1 {
                fields.append((step.key.question, node))
                items[index].1 = .map(fields)
            } else {
                items.append((item, .map([(step.key.question, node)])))
            }
            top[groups[group]!].1 = .map(items)
        }
        let document = ExportNode.map([("pack", .string(interview.pack.id)), ("answers", .map(top))])
        switch format {
        case .yaml:
            return (try? Yams.serialize(node: document.yamlNode, allowUnicode: true, sortKeys: false)) ?? ""
        case .json:
            return document.json(indent: "") + "\n"
        }
    }

    private static func exportNode(_ value: AnswerValue, type: QuestionType) -> ExportNode {
        switch value {
        case .text(let s): return .string(s)
        case .number(let d): return type == .duration ? .string(AnswerFormatter.duration(d)) : .number("\(d)")
        case .bool(let b): return .bool(b)
        case .choices(let items): return .list(items.map(ExportNode.string))
        case .skipped: return .null
        }
    }
}

/// An ordered tree of exported answers, rendered as YAML or JSON with keys in asking order.
enum ExportNode {
    case map([(String, ExportNode)])
    case list([ExportNode])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    var yamlNode: Node {
        switch self {
        case .map(let pairs): return .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1.yamlNode) }))
        case .list(let items): return .sequence(Node.Sequence(items.map(\.yamlNode), Tag(.seq), .flow))
        case .string(let s): return Node(s, Tag(.str), Self.needsQuotes(s) ? .doubleQuoted : .any)
        case .number(let n): return Node(n, Tag(.float))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .null: return Node("null", Tag(.null))
        }
    }

    /// Text that YAML would otherwise read as a number, a boolean or null.
    private static func needsQuotes(_ s: String) -> Bool {
        let lowered = s.lowercased()
        return Double(s) != nil
            || ["true", "false", "yes", "no", "null", "~", "on", "off", "y", "n", ""].contains(lowered)
    }

    func json(indent: String) -> String {
        let inner = indent + "  "
        switch self {
        case .map(let pairs):
            if pairs.isEmpty { return "{}" }
            let body = pairs.map { "\(inner)\(Self.quote($0.0)): \($0.1.json(indent: inner))" }.joined(separator: ",\n")
            return "{\n\(body)\n\(indent)}"
        case .list(let items):
            return "[" + items.map { $0.json(indent: inner) }.joined(separator: ", ") + "]"
        case .string(let s): return Self.quote(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// The answers read from a file, before they are checked against a pack.
public struct RawAnswers: Sendable {
    /// The pack the file says it answers, if it says.
    public let packId: String?
    public let inputs: [AnswerKey: RawAnswer]
}

/// One answer as written in a file, with its line for messages.
public struct RawAnswer: Sendable {
    public let input: AnswerInput
    public let line: Int
}

/// An answers file that cannot be read at all.
public struct AnswersFileError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
