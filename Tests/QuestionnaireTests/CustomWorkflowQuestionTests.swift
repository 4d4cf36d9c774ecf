import Foundation
import Testing

@testable import Questionnaire

/// The bundled pack's "something else" workflow and its small budgets: asked, stored, piped, and
/// still within the time target.
struct CustomWorkflowQuestionTests {
    static func pack() throws -> Pack { try PackLoader.load(path: Fixtures.bundledPack) }

    static func answers(workflows: String, other: String, budget: String = "none") -> String {
        """
        pack: smb-ai-readiness
        answers:
          business_name: Cedar Hill Family Dental
          industry: health_clinic
          region: bc
          time_zone: America/Vancouver
          currency: CAD
          team_size: 6
          cost_basis: hourly
          owner_hourly_cost: 120
          staff_hourly_cost: 45
          tools_used: [calendar, email]
          tools_connected: none
          cloud_tools: true
          workflows: \(workflows)
          workflow_details:
            scheduling: {hours: 10, people: 2, repeatable: 4, rule_based: 4, input_format: paper, tools_touched: 2, error_rate: rare, volume: 50}
            other: {\(other)hours: 8, people: 2, repeatable: 4, rule_based: 3, input_format: unstructured, tools_touched: 3, error_rate: sometimes, volume: 40}
          biggest_pain: other
          target: claims out within 2 days
          baseline_measured: false
          budget: \(budget)
          timeline: quarter
          processes_documented: some
          data_quality: 3
          system_owner: owner
          approval_actions: [contracts, payments, refunds, complaint_replies]
          notes: null
        """
    }

    @Test(arguments: ["processing_data", "collecting_data", "stakeholder_interaction", "applying_expertise"])
    func theNameAndKindAreAskedForSomethingElseAndStored(kind: String) throws {
        let pack = try Self.pack()
        let yaml = Self.answers(
            workflows: "[scheduling, other]", other: "name: \"Insurance claims\", kind: \(kind), ")
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "claims.yaml"), pack: pack)
        #expect(imported.problems.isEmpty, "\(imported.problems)")
        let interview = Interview(pack: pack, answers: imported.answers)
        #expect(interview.isComplete)
        let asked = interview.plan.map(\.key.description)
        #expect(asked.contains("workflow_details[other].name"))
        #expect(asked.contains("workflow_details[other].kind"))
        // Only for "something else": a listed workflow is not asked its name.
        #expect(!asked.contains("workflow_details[scheduling].name"))
        #expect(!asked.contains("workflow_details[scheduling].kind"))
        // Name and kind come first, so every later prompt of the item can use the name.
        let otherKeys = asked.filter { $0.hasPrefix("workflow_details[other].") }
        #expect(otherKeys.prefix(2) == ["workflow_details[other].name", "workflow_details[other].kind"])
        let effective = interview.effectiveAnswers
        #expect(
            effective[AnswerKey(question: "name", group: "workflow_details", item: "other")]
                == .text("Insurance claims"))
        #expect(effective[AnswerKey(question: "kind", group: "workflow_details", item: "other")] == .text(kind))
        #expect(effective[AnswerKey(question: "budget")] == .text("none"))

        // The prompts and the heading of the item say the name given, not "Something else".
        let hours = try #require(interview.plan.first { $0.key.description == "workflow_details[other].hours" })
        let shown = interview.presentation(of: hours)
        #expect(shown.prompt == "Roughly how many hours a week go into Insurance claims, counting everyone?")
        #expect(shown.sectionTitle == "Workflow · Insurance claims")
        let kindStep = try #require(interview.plan.first { $0.key.description == "workflow_details[other].kind" })
        #expect(interview.presentation(of: kindStep).prompt == "What kind of work is Insurance claims mostly?")
        // A listed workflow keeps its own label.
        let listed = try #require(interview.plan.first { $0.key.description == "workflow_details[scheduling].hours" })
        #expect(interview.presentation(of: listed).sectionTitle == "Workflow · Scheduling appointments and site visits")

        // Export and import give the same answers back.
        let again = AnswersImport(
            try AnswersFile.read(AnswersFile.export(interview, format: .yaml), file: "export.yaml"), pack: pack)
        #expect(again.problems.isEmpty, "\(again.problems)")
        #expect(again.answers == imported.answers)
    }

    @Test func somethingElseWithoutANameOrKindIsAProblem() throws {
        let yaml = Self.answers(workflows: "[other]", other: "")
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "f.yaml"), pack: try Self.pack())
        let keys = imported.problems.map(\.key)
        #expect(keys.contains("workflow_details[other].name"), "\(imported.problems)")
        #expect(keys.contains("workflow_details[other].kind"), "\(imported.problems)")
    }

    @Test(arguments: [
        ("name: \"   \", kind: processing_data, ", "an answer is required"),
        ("name: \"!!!\", kind: processing_data, ", "the name needs at least one letter or digit"),
        ("name: Claims, kind: managing_others, ", "'managing_others' is not one of the choices"),
    ])
    func aNameWithoutLettersOrAKindNotOfferedIsRefused(other: String, message: String) throws {
        let yaml = Self.answers(workflows: "[scheduling, other]", other: other)
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "f.yaml"), pack: try Self.pack())
        #expect(imported.problems.contains { $0.description.contains(message) }, "\(imported.problems)")
    }

    @Test(arguments: ["保険請求", "مطالبات التأمين", "बीमा दावे", "Réclamations d'assurance", "R&D 2"])
    func aNameInAnyScriptIsAccepted(name: String) throws {
        let yaml = Self.answers(workflows: "[scheduling, other]", other: "name: \"\(name)\", kind: collecting_data, ")
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "f.yaml"), pack: try Self.pack())
        #expect(imported.problems.isEmpty, "\(imported.problems)")
    }

    @Test(arguments: ["none", "under_5k", "under_10k", "10k_25k", "25k_50k", "over_50k", "unsure"])
    func everyBudgetAnswerIsAccepted(budget: String) throws {
        let yaml = Self.answers(
            workflows: "[scheduling, other]", other: "name: Claims, kind: processing_data, ", budget: budget)
        let imported = AnswersImport(try AnswersFile.read(yaml, file: "f.yaml"), pack: try Self.pack())
        #expect(imported.problems.isEmpty, "\(imported.problems)")
        #expect(imported.answers[AnswerKey(question: "budget")] == .text(budget))
    }

    @Test func thePackLintsCleanAndItsLongestPathStaysWithinTheTarget() throws {
        let file = PackLoader.questionnaireFile(at: Fixtures.bundledPack)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let issues = PackLoader.check(yaml: text, file: file).issues
        #expect(issues.isEmpty, "\(issues.map(\.description))")
        let pack = try Self.pack()
        let stats = PathStats(pack: pack)
        let target = try #require(pack.targetMinutes)
        #expect(stats.longest.minutes < target, "\(stats.longest.minutes) minutes")
        // The longest realistic path names a workflow of its own: it is the choice that asks most.
        #expect(stats.longest.steps.contains { $0.key.description == "workflow_details[other].name" })
    }
}
