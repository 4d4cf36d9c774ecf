import BatonTestSupport
import Blueprint
import Diagnostics
import Foundation
import Questionnaire
import Testing

@testable import Scoring

/// An agent's limit follows the work it is expected to handle, and a limit that cannot keep up
/// with it is a warning with its position.
struct BlueprintLimitsTests {
    /// A small system whose lead qualifier has `limits`, written by hand.
    static func handWritten(
        limits: String, workingHours: String = "{days: [mon, tue, wed, thu, fri], start: \"08:00\", end: \"17:00\"}"
    ) -> String {
        """
        apiVersion: baton/v1
        kind: AgentSystem
        business: {name: Hand, time_zone: America/Toronto, currency: CAD, working_hours: \(workingHours)}
        intake: [lead.received]
        agents:
        - id: lead_qualifier
          role: Qualifies leads.
          skill: lead_qualification
          consumes: [lead.received]
          emits: [lead.qualified]
          permissions: [crm.read, crm.write:lead_score, email.draft, email.send]
          limits: \(limits)
          settings: {}
        handoffs: []
        approvals: []
        connectors: {email: {kind: eml_folder, settings: {}}, calendar: {kind: builtin, settings: {}}, crm: {kind: builtin, settings: {}}, forms: {kind: intake_api, settings: {}}}
        schedules: {daily_report: {time: "17:30", recipients: [owner]}}
        kpis: []
        """
    }

    static func issues(_ yaml: String) -> [PackIssue] {
        BlueprintFile.check(yaml: yaml, file: "hand.yaml").issues
    }

    @Test func aLimitBelowTheExpectedVolumeIsAWarningAtTheLimit() throws {
        let yaml = Self.handWritten(limits: "{actions_per_hour: 30, expected_per_week: 10000}")
        let issues = Self.issues(yaml)
        #expect(issues.allSatisfy { $0.severity == .warning }, "\(issues)")
        let warning = try #require(issues.first { $0.message.contains("expects 10,000 items a week") })
        // 10,000 leads over 45 working hours, 2 actions each (a score and a reply): about 444 an hour.
        #expect(
            warning.message.hasPrefix(
                "agent 'lead_qualifier' expects 10,000 items a week, about 444 actions an hour over 45 working hours (2 an item), more than its limit of 30 an hour; hint: raise limits.actions_per_hour to 1,400 (3× the average, for bursts)"
            ), "\(warning.message)")
        #expect(warning.location.file == "hand.yaml")
        #expect(warning.location.line == 12)
        #expect(warning.location.column == 30)
        #expect(warning.description.hasPrefix("hand.yaml:12:30: warning: agent 'lead_qualifier' expects"))
    }

    @Test(arguments: [
        // Average 222 items an hour × 2 = 444 a hour: the sized limit holds it.
        ("{actions_per_hour: 1400, expected_per_week: 10000}", false),
        // Exactly the average, as the message would round it: not "more than".
        ("{actions_per_hour: 444, expected_per_week: 10000}", false),
        ("{actions_per_hour: 443, expected_per_week: 10000}", true),
        // No expected volume: nothing to compare with.
        ("{actions_per_hour: 30}", false),
        ("{actions_per_hour: 30, expected_per_week: 0}", false),
        // 675 leads over 45 hours, 2 actions each: 30 an hour, at the limit.
        ("{actions_per_hour: 30, expected_per_week: 675}", false),
        ("{actions_per_hour: 30, expected_per_week: 700}", true),
    ])
    func theWarningComesExactlyWhenTheAverageExceedsTheLimit(limits: String, warns: Bool) throws {
        let issues = Self.issues(Self.handWritten(limits: limits))
        #expect(issues.filter { $0.severity == .error }.isEmpty, "\(issues)")
        #expect(issues.contains { $0.message.contains("items a week") } == warns, "\(issues)")
    }

    @Test func theWorkingHoursOfTheBlueprintSetTheRate() throws {
        // The same 700 leads over one 9-hour day are 156 an hour: far beyond 30.
        let oneDay = Self.handWritten(
            limits: "{actions_per_hour: 30, expected_per_week: 700}",
            workingHours: "{days: [mon], start: \"08:00\", end: \"17:00\"}")
        #expect(Self.issues(oneDay).contains { $0.message.contains("about 156 actions an hour over 9 working hours") })
        let negative = Self.issues(Self.handWritten(limits: "{actions_per_hour: 30, expected_per_week: -5}"))
        let error = try #require(negative.first { $0.message.contains("expected_per_week cannot be negative") })
        #expect(error.severity == .error && error.location.line == 12)
    }

    @Test func validatePrintsTheWarningWithItsPositionAndExitsZero() async throws {
        let folder = BatonBinary.temporaryFolder()
        let file = folder + "/hand.blueprint.yaml"
        try Self.handWritten(limits: "{actions_per_hour: 30, expected_per_week: 10000}").write(
            toFile: file, atomically: true, encoding: .utf8)
        let run = try await BatonBinary.run(["blueprint", "validate", file])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\(file):12:30: warning: agent 'lead_qualifier' expects 10,000 items a week"))
        #expect(run.stdout.hasSuffix("\(file): valid, 1 warning\n"), "\(run.stdout)")
    }

    @Test func theSchemaKnowsTheExpectedVolume() async throws {
        let schema = BlueprintSchemaTests()
        let valid = try await schema.validate(Self.handWritten(limits: "{actions_per_hour: 30, expected_per_week: 10000}"))
        #expect(valid.0 == 0, "\(valid.1)")
        let negative = try await schema.validate(Self.handWritten(limits: "{actions_per_hour: 30, expected_per_week: -1}"))
        #expect(negative.0 == 1 && negative.1.contains("expected_per_week"), "\(negative.1)")
        let noLimit = try await schema.validate(Self.handWritten(limits: "{expected_per_week: 10}"))
        #expect(noLimit.0 == 1 && noLimit.1.contains("actions_per_hour"), "\(noLimit.1)")
    }

    @Test func sizedLimitsRoundUpHoldBurstsAndNeverGoBelowTheDefault() {
        // 10,000 a week over 45 hours, 2 actions each, × 3: 1,333 → 1,400.
        #expect(Limits.sized(expectedPerWeek: 10_000, hoursPerWeek: 45, actionsPerItem: 2, floor: 30) == 1_400)
        // 500 over 45 hours, 1 action, × 3: 33.3 → 40.
        #expect(Limits.sized(expectedPerWeek: 500, hoursPerWeek: 45, actionsPerItem: 1, floor: 30) == 40)
        // 3,000 over 45 hours, × 3: 200 → 200 (steps of 50 up to 1,000).
        #expect(Limits.sized(expectedPerWeek: 3_000, hoursPerWeek: 45, actionsPerItem: 1, floor: 30) == 200)
        #expect(Limits.sized(expectedPerWeek: 3_100, hoursPerWeek: 45, actionsPerItem: 1, floor: 30) == 250)
        // Little work keeps the catalog's default; nothing or nonsense too.
        #expect(Limits.sized(expectedPerWeek: 10, hoursPerWeek: 45, actionsPerItem: 2, floor: 30) == 30)
        #expect(Limits.sized(expectedPerWeek: 0, hoursPerWeek: 45, actionsPerItem: 2, floor: 30) == 30)
        #expect(Limits.sized(expectedPerWeek: .infinity, hoursPerWeek: 45, actionsPerItem: 2, floor: 30) == 30)
        // Never past what the format allows.
        #expect(Limits.sized(expectedPerWeek: 1e9, hoursPerWeek: 45, actionsPerItem: 2, floor: 30) == Limits.maximum)
        for perWeek in stride(from: 0.0, through: 200_000, by: 997) {
            for each in 1...3 {
                let limit = Limits.sized(expectedPerWeek: perWeek, hoursPerWeek: 45, actionsPerItem: each, floor: 30)
                #expect(limit >= 30 && limit <= Limits.maximum)
                #expect(
                    Double(limit) >= min(Double(Limits.maximum), perWeek / 45 * Double(each) * Limits.burstFactor),
                    "\(perWeek) × \(each)")
            }
        }
    }

    /// The plumbing contractor with the issue's leads: 10,000 a week.
    func plumbing(leadsPerWeek: Double) throws -> (BusinessProfile, ScoringModel) {
        let folder = BatonBinary.bundledPack
        let pack = try PackLoader.load(path: folder)
        let file = "\(folder)/examples/plumbing-contractor.yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        var profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
        profile.leads?.perWeek = leadsPerWeek
        return (profile, try ScoringModel.load(packFolder: folder))
    }

    @Test func thePlannedLimitsFollowTheVolumesAnsweredAndDoNotWarn() throws {
        let (profile, model) = try plumbing(leadsPerWeek: 10_000)
        let result = try Scorer(model: model).score(profile)
        let blueprint = BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile)
        let qualifier = try #require(blueprint.agents.first { $0.id == "lead_qualifier" })
        #expect(qualifier.limits.expectedPerWeek == 10_000)
        #expect(qualifier.limits.actionsPerHour == 1_400)
        // Every planned agent has its volume beside its limit, and the limit is never below the catalog's.
        for agent in blueprint.agents {
            let template = try #require(model.catalog.agents.first { $0.id == agent.id })
            #expect(agent.limits.actionsPerHour >= template.actionsPerHour)
            let answered = profile.workflows.filter { template.covers.contains($0.type) }
            #expect((agent.limits.expectedPerWeek != nil) == !answered.isEmpty, "\(agent.id)")
        }
        let text = try BlueprintFile.yaml(blueprint)
        #expect(text.contains("    actions_per_hour: 1400\n    expected_per_week: 10000\n"), "\(text)")
        let loaded = BlueprintFile.check(yaml: text, file: "planned.yaml")
        #expect(loaded.issues.isEmpty, "\(loaded.issues)")
        #expect(loaded.blueprint == blueprint)
    }

    /// Hundreds of generated businesses with volumes from none to the questionnaire's maximum: the
    /// planned limits hold the expected work, never drop below the catalog, and never warn unless
    /// the work is beyond any limit the format allows.
    @Test func overGeneratedBusinessesThePlannedBlueprintKeepsUp() throws {
        var model = try ScoringModel.load(packFolder: BatonBinary.bundledPack)
        // Fewer draws keep it fast; the Monte Carlo plays no part in the limits.
        model.parameters.roi.monteCarlo.samples = 50
        var generator = ProfileGenerator(seed: 404, workflowTypes: Array(model.parameters.workflows.keys))
        let scorer = Scorer(model: model)
        let planner = BlueprintPlanner(catalog: model.catalog)
        let volumes: [Double] = [0, 3, 40, 675, 5_000, 20_000, 100_000]
        var sized = 0
        for n in 0..<300 {
            var profile = generator.next()
            for i in profile.workflows.indices { profile.workflows[i].volumePerWeek = volumes[(n + i) % volumes.count] }
            profile.leads?.perWeek = volumes[(n * 3) % volumes.count]
            profile.inquiriesPerWeek = n % 3 == 0 ? volumes[(n * 5) % volumes.count] : nil
            let blueprint = planner.blueprint(for: try scorer.score(profile), profile: profile)
            let hours = try #require(blueprint.business.workingHours.hoursPerWeek)
            let warnings = BlueprintFile.check(yaml: try BlueprintFile.yaml(blueprint), file: "g.yaml").issues.filter {
                $0.message.contains("items a week")
            }
            for agent in blueprint.agents {
                let template = try #require(model.catalog.agents.first { $0.id == agent.id })
                #expect(agent.limits.actionsPerHour >= template.actionsPerHour)
                #expect(agent.limits.actionsPerHour <= Limits.maximum)
                guard let expected = agent.limits.expectedPerWeek else { continue }
                if agent.limits.actionsPerHour > template.actionsPerHour { sized += 1 }
                let average = Double(expected) / hours * Double(agent.actionsPerItem)
                let beyondAnyLimit = average.rounded() > Double(Limits.maximum)
                #expect(
                    warnings.contains { $0.message.contains("'\(agent.id)'") } == beyondAnyLimit,
                    "\(profile.name) \(agent.id): \(expected) a week, limit \(agent.limits.actionsPerHour)")
                if !beyondAnyLimit {
                    #expect(
                        Double(agent.limits.actionsPerHour) >= average
                            * min(Limits.burstFactor, Double(Limits.maximum) / average))
                }
            }
        }
        #expect(sized > 50, "the generated volumes hardly moved a limit (\(sized))")
    }
}
