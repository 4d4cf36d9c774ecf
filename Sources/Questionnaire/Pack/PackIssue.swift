/// One problem found in a pack, with its position in the file.
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
}

/// A pack that could not be used, with every problem found in it.
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
