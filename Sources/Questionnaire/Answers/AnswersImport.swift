/// Checks a file's answers against a pack by walking the interview as a person would, so that
/// conditions, repeat groups and validations apply exactly as in the terminal.
public struct AnswersImport: Sendable {
    /// The answers that passed, ready to save.
    public let answers: AnswerSet
    /// Every answer that is missing, invalid or unknown, with the question id and the reason.
    public let problems: [AnswerFileProblem]
    /// Answers the file gives for questions that are not asked with these answers (ignored).
    public let ignored: [AnswerKey]

    /// Checks `raw` against `pack`.
    public init(_ raw: RawAnswers, pack: Pack) {
        var interview = Interview(pack: pack)
        var problems: [AnswerFileProblem] = []
        var failed: Set<AnswerKey> = []
        if let packId = raw.packId, packId != pack.id {
            problems.append(
                AnswerFileProblem(key: "pack", line: 0, reason: "the file answers '\(packId)', not '\(pack.id)'"))
        }
        while let step = interview.plan.first(where: { interview.answers[$0.key] == nil && !failed.contains($0.key) }) {
            let question = interview.question(of: step)
            let given = raw.inputs[step.key]
            // A missing answer takes the question's default, as pressing Enter does in the terminal.
            let input = given?.input ?? .value(question.defaultValue)
            do {
                let value = try interview.validate(input, for: step, in: interview.effectiveAnswers)
                interview.jump(to: step.key)
                interview.record(value)
            } catch {
                failed.insert(step.key)
                let reason = given == nil ? "missing: \(interview.presentation(of: step).prompt)" : error.message
                problems.append(AnswerFileProblem(key: step.key.description, line: given?.line ?? 0, reason: reason))
            }
        }
        let asked = Set(interview.plan.map(\.key))
        var ignored: [AnswerKey] = []
        for key in raw.inputs.keys.sorted() where !asked.contains(key) {
            let known: Bool
            if let group = key.group {
                known = pack.repeatGroup(group)?.questions.contains { $0.id == key.question } ?? false
            } else {
                known = pack.question(key.question) != nil
            }
            if known {
                ignored.append(key)
            } else {
                problems.append(
                    AnswerFileProblem(
                        key: key.description, line: raw.inputs[key]!.line, reason: "no such question in '\(pack.id)'"))
            }
        }
        // With problems, answers that depend on them cannot be checked yet: list them too, so that
        // one run shows everything to fix rather than one layer at a time.
        if !problems.isEmpty {
            for key in ignored {
                problems.append(
                    AnswerFileProblem(
                        key: key.description, line: raw.inputs[key]?.line ?? 0,
                        reason: "not checked: it is only asked once the problems above are fixed"))
            }
            ignored = []
        }
        self.answers = interview.effectiveAnswers
        self.problems = problems.sorted { ($0.line, $0.key) < ($1.line, $1.key) }
        self.ignored = ignored
    }
}

/// One answer a file gets wrong.
public struct AnswerFileProblem: Sendable, Equatable, CustomStringConvertible {
    /// The answer key (`team_size`, `workflow_details[lead_intake].hours`).
    public let key: String
    /// The line in the file, or 0 when the answer is missing.
    public let line: Int
    public let reason: String

    public var description: String { line > 0 ? "line \(line): \(key): \(reason)" : "\(key): \(reason)" }
}
