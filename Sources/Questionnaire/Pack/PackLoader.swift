import Diagnostics
import Foundation
import Yams

/// Reads a questionnaire pack from YAML and checks all of it before anything is asked.
///
/// ```swift
/// let pack = try PackLoader.load(path: "questionnaires/smb-ai-readiness")
/// ```
public enum PackLoader {
    static let packKeys = ["id", "version", "title", "intro", "timing", "target_minutes", "sections", "computed"]
    static let sectionKeys = ["id", "title", "intro", "when", "repeat", "questions"]
    static let questionKeys = [
        "id", "type", "prompt", "help", "default", "when", "required", "min", "max", "min_selected", "max_selected",
        "pattern", "pattern_message", "validate", "choices", "choices_from", "labels", "realistic_max", "unit",
    ]

    /// The `questionnaire.yaml` of a pack folder, or the file itself when `path` names a file.
    public static func questionnaireFile(at path: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return (path as NSString).appendingPathComponent("questionnaire.yaml")
        }
        return path
    }

    /// Loads and checks the pack at `path` (a pack folder or its `questionnaire.yaml`).
    /// - Throws: ``PackLoadError`` listing every error, or ``PackFileError`` when the file cannot be read.
    public static func load(path: String) throws -> Pack {
        let file = questionnaireFile(at: path)
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else {
            throw PackFileError(path: file)
        }
        return try load(yaml: text, file: file)
    }

    /// Loads and checks a pack from its YAML text; `file` names it in messages.
    public static func load(yaml: String, file: String) throws(PackLoadError) -> Pack {
        let (pack, issues) = check(yaml: yaml, file: file)
        guard let pack, !issues.contains(where: { $0.severity == .error }) else {
            throw PackLoadError(issues: issues)
        }
        return pack
    }

    /// Every issue in a pack's YAML, errors and warnings, sorted by position; the pack when it could be built.
    public static func check(yaml: String, file: String) -> (pack: Pack?, issues: [PackIssue]) {
        let reader = YAMLNodeReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return (nil, [PackIssue.yamlSyntax(error, file: file)])
        } catch {
            return (nil, [PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "\(error)")])
        }
        guard let root else {
            return (nil, [PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "the file is empty")])
        }
        let pack = readPack(root, reader)
        var issues = reader.issues
        if let pack {
            issues += PackLinter(pack: pack).issues()
        }
        return (pack, issues.sorted { $0.location < $1.location })
    }

    private static func readPack(_ root: Node, _ r: YAMLNodeReader) -> Pack? {
        guard let map = r.mapping(root, "the pack", allowed: packKeys, required: ["id", "title", "sections", "timing"])
        else {
            return nil
        }
        var timing: [QuestionType: Double] = [:]
        if let timingNode = map["timing"],
            let timingMap = r.mapping(timingNode, "timing", allowed: QuestionType.allCases.map(\.rawValue))
        {
            for (name, node) in timingMap {
                if let type = QuestionType(rawValue: name), let seconds = r.decimal(node, "timing.\(name)") {
                    timing[type] = NSDecimalNumber(decimal: seconds).doubleValue
                }
            }
        }
        let sections = r.sequence(map["sections"], "sections").compactMap { readSection($0, r) }
        let computed = r.sequence(map["computed"], "computed").compactMap { node -> ComputedValue? in
            guard
                let m = r.mapping(
                    node, "a computed value", allowed: ["id", "expression", "help"], required: ["id", "expression"]),
                let id = r.string(m["id"], "id"),
                let expression = r.expression(m["expression"], "computed value '\(id)'")
            else { return nil }
            return ComputedValue(id: id, expression: expression, location: r.location(node))
        }
        return Pack(
            id: r.string(map["id"], "id") ?? "",
            version: r.int(map["version"], "version") ?? 1,
            title: r.string(map["title"], "title") ?? "",
            intro: r.string(map["intro"], "intro"),
            secondsPerType: timing,
            targetMinutes: r.decimal(map["target_minutes"], "target_minutes").map {
                NSDecimalNumber(decimal: $0).doubleValue
            },
            sections: sections,
            computed: computed,
            file: r.file
        )
    }

    private static func readSection(_ node: Node, _ r: YAMLNodeReader) -> Section? {
        guard let map = r.mapping(node, "a section", allowed: sectionKeys, required: ["id", "title", "questions"]),
            let id = r.string(map["id"], "section id")
        else { return nil }
        var repeatFor: String?
        if let repeatNode = map["repeat"],
            let repeatMap = r.mapping(repeatNode, "repeat", allowed: ["for_each"], required: ["for_each"])
        {
            repeatFor = r.string(repeatMap["for_each"], "repeat.for_each")
        }
        return Section(
            id: id,
            title: r.string(map["title"], "section title") ?? id,
            intro: r.string(map["intro"], "section intro"),
            when: r.expression(map["when"], "the condition of section '\(id)'"),
            repeatFor: repeatFor,
            questions: r.sequence(map["questions"], "questions").compactMap { readQuestion($0, r) },
            location: r.location(node)
        )
    }

    private static func readQuestion(_ node: Node, _ r: YAMLNodeReader) -> Question? {
        guard let map = r.mapping(node, "a question", allowed: questionKeys, required: ["id", "type", "prompt"]),
            let id = r.string(map["id"], "question id"), let typeName = r.string(map["type"], "type")
        else { return nil }
        guard let type = QuestionType(rawValue: typeName) else {
            let names = QuestionType.allCases.map(\.rawValue)
            let hint = Spelling.hint(for: typeName, in: names)
            r.report(
                "unknown question type '\(typeName)'\(hint); types: \(names.joined(separator: ", "))", at: map["type"]!)
            return nil
        }
        var labels: [Int: String] = [:]
        if let labelsNode = map["labels"] {
            if case .mapping(let m) = labelsNode {
                for (k, v) in m {
                    guard let point = k.int, (1...5).contains(point) else {
                        r.report("scale labels are keyed 1 to 5", at: k)
                        continue
                    }
                    labels[point] = r.string(v, "a scale label")
                }
            } else {
                r.report("labels must map scale points (1 to 5) to words", at: labelsNode)
            }
        }
        let validations = r.sequence(map["validate"], "validate").compactMap { node -> ValidationRule? in
            guard
                let m = r.mapping(node, "a validation", allowed: ["rule", "message"], required: ["rule", "message"]),
                let rule = r.expression(m["rule"], "a validation rule of '\(id)'"),
                let message = r.string(m["message"], "message")
            else { return nil }
            return ValidationRule(rule: rule, message: message)
        }
        var question = Question(
            id: id,
            type: type,
            prompt: r.string(map["prompt"], "prompt") ?? id,
            help: r.string(map["help"], "help"),
            defaultValue: nil,
            when: r.expression(map["when"], "the condition of '\(id)'"),
            required: r.bool(map["required"], "required") ?? true,
            min: r.decimal(map["min"], "min"),
            max: r.decimal(map["max"], "max"),
            minSelected: r.int(map["min_selected"], "min_selected"),
            maxSelected: r.int(map["max_selected"], "max_selected"),
            pattern: r.string(map["pattern"], "pattern"),
            patternMessage: r.string(map["pattern_message"], "pattern_message"),
            validations: validations,
            choices: r.sequence(map["choices"], "choices").compactMap { readChoice($0, r) },
            choicesFrom: r.string(map["choices_from"], "choices_from"),
            scaleLabels: labels,
            realisticMax: r.int(map["realistic_max"], "realistic_max"),
            unit: r.string(map["unit"], "unit"),
            location: r.location(node)
        )
        if let defaultNode = map["default"] {
            question.defaultValue = readDefault(defaultNode, for: question, r)
        }
        return question
    }

    private static func readChoice(_ node: Node, _ r: YAMLNodeReader) -> Choice? {
        if case .scalar(let scalar) = node {
            return Choice(value: scalar.string, label: scalar.string, help: nil, when: nil)
        }
        guard let m = r.mapping(node, "a choice", allowed: ["value", "label", "help", "when"], required: ["value"]),
            let value = r.string(m["value"], "choice value")
        else { return nil }
        return Choice(
            value: value,
            label: r.string(m["label"], "choice label") ?? value,
            help: r.string(m["help"], "choice help"),
            when: r.expression(m["when"], "the condition of choice '\(value)'")
        )
    }

    private static func readDefault(_ node: Node, for question: Question, _ r: YAMLNodeReader) -> AnswerValue? {
        do {
            if question.type == .multipleChoice {
                let items = r.sequence(node, "the default of a multiple choice").compactMap {
                    r.string($0, "a default item")
                }
                return try AnswerParser.parse(items: items, for: question, choices: question.choices)
            }
            guard let text = r.string(node, "default") else { return nil }
            return try AnswerParser.parse(text, for: question, choices: question.choices)
        } catch {
            r.report("default of '\(question.id)' does not fit its type: \(error.message)", at: node)
            return nil
        }
    }
}

/// A pack file that does not exist or cannot be read.
public struct PackFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public var description: String {
        "cannot read the questionnaire pack at \(path): no such file (a pack is a folder holding questionnaire.yaml)"
    }
}
