import Yams

/// One problem found in a file Baton reads (a pack, a blueprint, a parameter file), with its position.
public struct PackIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public let severity: Severity
    public let location: SourceLocation
    public let message: String

    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `questionnaire.yaml:12:7: error: unknown key 'promt' in a question (did you mean 'prompt'?)`
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// A YAML syntax error as a positioned issue, for any YAML file Baton reads.
    public static func yamlSyntax(_ error: YamlError, file: String) -> PackIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return PackIssue(
                .error, at: SourceLocation(file: file, line: mark.line, column: mark.column), "YAML syntax: \(detail)")
        default:
            return PackIssue(.error, at: SourceLocation(file: file, line: 1, column: 1), "YAML syntax: \(error)")
        }
    }
}

/// A file that could not be used (a pack, a blueprint, a parameter file), with every problem found in it.
public struct PackLoadError: Error, Sendable, CustomStringConvertible {
    /// All problems, errors and warnings, in file order.
    public let issues: [PackIssue]

    public init(issues: [PackIssue]) {
        self.issues = issues
    }

    public var errors: [PackIssue] { issues.filter { $0.severity == .error } }

    public var description: String {
        let count = errors.count
        let file = issues.first.map { " in \($0.location.file)" } ?? ""
        let head = "\(count) error\(count == 1 ? "" : "s")\(file)"
        return ([head] + issues.map(\.description)).joined(separator: "\n")
    }
}
