import Blueprint
import Foundation
import Questionnaire
import Reports
import Scoring
import Testing

/// The example businesses' blueprints: valid, stable, and the same as their golden files.
struct BlueprintGoldenTests {
    static let examples = [
        "bookkeeping-firm", "dental-clinic", "marketing-agency", "plumbing-contractor", "real-estate-team",
    ]

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static func goldenPath(_ example: String) -> String {
        packageRoot.appendingPathComponent("Tests/BlueprintTests/Golden/\(example).blueprint.yaml").path
    }

    /// The blueprint the planner makes for an example business, read through the questionnaire.
    static func blueprint(_ example: String) throws -> Blueprint {
        let folder = packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path
        let pack = try PackLoader.load(path: folder)
        let file = "\(folder)/examples/\(example).yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        let interview = Interview(pack: pack, answers: imported.answers)
        let profile = try BusinessProfile(interview: interview)
        let model = try ScoringModel.load(packFolder: folder)
        let result = try Scorer(model: model).score(profile)
        // Numbered as the example reports number them, dated on their fixed day.
        let provenance = BlueprintPlanner.provenance(
            of: interview, assessmentID: Int64((examples.firstIndex(of: example) ?? 0) + 1),
            date: ExampleReports.exampleDate)
        return BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile, provenance: provenance)
    }

    @Test(arguments: examples)
    func exampleBlueprintValidatesAndMatchesItsGolden(example: String) throws {
        let text = try BlueprintFile.yaml(try Self.blueprint(example))
        if ProcessInfo.processInfo.environment["BATON_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: Self.goldenPath(example), atomically: true, encoding: .utf8)
        }
        #expect(
            text == (try String(contentsOfFile: Self.goldenPath(example), encoding: .utf8)),
            "\(example) drifted from its golden blueprint")
        let loaded = BlueprintFile.check(yaml: text, file: "\(example).blueprint.yaml")
        #expect(loaded.issues.isEmpty, "\(loaded.issues)")
    }

    @Test(arguments: examples)
    func roundTripYAMLToModelToYAMLIsStable(example: String) throws {
        let first = try BlueprintFile.yaml(try Self.blueprint(example))
        let model = try #require(BlueprintFile.check(yaml: first, file: "a").blueprint)
        let second = try BlueprintFile.yaml(model)
        #expect(second == first)
        #expect(try #require(BlueprintFile.check(yaml: second, file: "b").blueprint) == model)
    }

    @Test func leastPrivilegeHighStakesApprovalsAndTheBusinessChoices() throws {
        let plumbing = try Self.blueprint("plumbing-contractor")
        for agent in plumbing.agents {
            let skill = try #require(SkillCatalog.skill(agent.skill))
            #expect(Set(agent.permissions).isSubset(of: Set(skill.scopes)), "\(agent.id) has more than its skill uses")
            #expect(!agent.permissions.contains("*"))
        }
        let actions = Set(plumbing.approvals.map(\.action))
        #expect(Set(ActionKind.highStakes).isSubset(of: actions))
        #expect(actions.contains("discount.offer"), "the plumber asked for discounts to wait")
        #expect(
            plumbing.handoffs.contains(
                Handoff(event: "lead.qualified", from: "lead_qualifier", to: "follow_up_drafter")))
        #expect(
            plumbing.kpis.first
                == KPI(
                    id: "lead_first_response", name: "Lead first-response time", unit: "minutes", baseline: 240,
                    target: 5, source: "answers: lead_response_time (a duration, in minutes)"))
        #expect(plumbing.connectors.forms.settings["token"] == .string("${env:BATON_INTAKE_TOKEN}"))
    }
}

struct SettingValueRoundTripTests {
    @Test func handWrittenSettingsSurviveARoundTrip() throws {
        let text = try String(contentsOfFile: BlueprintGoldenTests.goldenPath("plumbing-contractor"), encoding: .utf8)
            .replacingOccurrences(
                of: "    reply_template: first_reply\n",
                with:
                    "    reply_template: first_reply\n    opens_at: 08:00\n    label: '60'\n    ratio: 0.75\n    enabled: true\n"
            )
        let model = try #require(BlueprintFile.check(yaml: text, file: "a").blueprint)
        let settings = try #require(model.agents.first).settings
        #expect(settings["opens_at"] == .string("08:00"))
        #expect(settings["ratio"] == .number(0.75))
        #expect(settings["enabled"] == .bool(true))
        let again = try #require(BlueprintFile.check(yaml: try BlueprintFile.yaml(model), file: "b").blueprint)
        #expect(again == model)
    }
}
