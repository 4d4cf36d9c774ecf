import Foundation
import Questionnaire
import Workspace

/// An assessment from the workspace with the pack it was started with, ready to resume, show or export.
public struct SavedAssessment: Sendable {
    public let session: AssessmentSession
    public let pack: Pack
    public let interview: Interview

    /// Loads assessment `id`, reading its pack from the copy saved when it started.
    public static func open(_ id: Int64, in workspace: Workspace) throws -> SavedAssessment {
        let session = try workspace.session(id)
        let pack = try PackLoader.load(yaml: session.packYAML, file: session.packPath)
        let interview = Interview(pack: pack, answers: try workspace.answers(of: id))
        return SavedAssessment(session: session, pack: pack, interview: interview)
    }

    /// Every answer on the plan, in asking order, as prompt and display text.
    public var answerLines: [(key: AnswerKey, prompt: String, answer: String)] {
        interview.plan.compactMap { step in
            guard let value = interview.answers[step.key] else { return nil }
            let p = interview.presentation(of: step)
            return (step.key, p.prompt, AnswerFormatter.display(value, for: p.question, choices: p.choices))
        }
    }
}
