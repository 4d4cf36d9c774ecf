import Diagnostics
import Foundation
import Questionnaire
import Testing

@testable import Scoring

/// A workflow the prospect names ("something else") and budgets below Baton's smallest build.
struct CustomWorkflowAndBudgetTests {
    static let kinds = ["processing_data", "collecting_data", "stakeholder_interaction", "applying_expertise"]

    func scorer() throws -> Scorer {
        var model = try ScoringFixtures.model()
        model.parameters.roi.monteCarlo.samples = 100
        return Scorer(model: model)
    }

    static func custom(_ name: String?, kind: String?, hours: Double = 10) -> WorkflowAnswers {
        WorkflowAnswers(
            type: WorkflowAnswers.customType, hoursPerWeek: hours, people: 2, repeatable: 4, ruleBased: 4,
            inputFormat: "structured", toolsTouched: 2, errorRate: "sometimes", volumePerWeek: 30, name: name,
            kind: kind)
    }

    // MARK: The custom workflow's prior and label

    /// The priors worked by hand in docs/scoring.md §2.1: 0.7 × the kind + 0.1 × each other kind.
    @Test(arguments: [
        ("processing_data", 0.585, 0.70), ("collecting_data", 0.555, 0.65),
        ("stakeholder_interaction", 0.291, 0.35), ("applying_expertise", 0.279, 0.40),
    ])
    func eachKindGivesItsOwnPriorAndTheNameGiven(kind: String, prior: Double, cap: Double) throws {
        var profile = try ScoringFixtures.profile("dental-clinic")
        profile.workflows.append(Self.custom("Insurance claims", kind: kind))
        profile.biggestPain = WorkflowAnswers.customType
        let r = try scorer().score(profile)
        let o = try #require(r.opportunities.first { $0.workflow == WorkflowAnswers.customType })
        #expect(o.label == "Insurance claims")
        let priorDriver = try #require(o.potential.drivers.first { $0.name == "prior" })
        #expect(priorDriver.value == "\(Figure.decimal(prior, places: 3))")
        #expect(priorDriver.source?.contains("Baton assumption: mostly (70%)") == true)
        // Factors here: repeatable 4 (×1.0), rules 4 (×1.0), structured (×1.05), 2 tools (×1.0).
        #expect(abs(o.potential.value.double - min(cap, prior * 1.05)) < 0.001)
        #expect(o.potential.why.hasPrefix("Insurance claims is about"))
        // No catalog agent does it: valued, ranked, never in the plan, and said to need a custom build.
        #expect(o.agent == nil && !o.inPlan)
        #expect(o.annualValue.value > 0)
        #expect(o.why.contains("“Insurance claims”") && o.why.contains("custom build"))
        #expect(!r.plan.agents.contains { $0.workflows.contains(WorkflowAnswers.customType) })
        // The readiness check names the workflow that hurts most by the name given.
        let named = try #require(r.readiness.checks.first { $0.id == "named_workflow" })
        #expect(named.detail.hasPrefix("Insurance claims takes"))
    }

    @Test func thePriorFollowsTheActivityFiguresOfScoringYAML() throws {
        let p = try ScoringFixtures.model().parameters
        let custom = try #require(p.customWorkflow)
        #expect(Set(custom.kinds) == Set(Self.kinds))
        for kind in Self.kinds {
            let prior = custom.prior(kind: kind, name: "X")
            #expect(abs(prior.mix.values.reduce(0, +) - 1) < 1e-9)
            #expect(prior.mix[kind] == custom.mainShare)
            let expected =
                custom.mainShare * p.activities.automatable[kind]!
                + Self.kinds.filter { $0 != kind }.reduce(0) {
                    $0 + (1 - custom.mainShare) / 3 * p.activities.automatable[$1]!
                }
            let estimate = WorkflowEstimator(parameters: p, profile: try ScoringFixtures.profile("dental-clinic"))
                .estimate(Self.custom("X", kind: kind), revenueEffect: 0)
            #expect(abs(estimate.prior - expected) < 1e-12)
            // Mostly-processing beats mostly-talking, as the activity figures say.
        }
        let talking = custom.prior(kind: "stakeholder_interaction", name: nil)
        let processing = custom.prior(kind: "processing_data", name: nil)
        #expect(talking.cap < processing.cap)
        #expect(talking.label == "Something else")
    }

    @Test(arguments: [
        ("<b>Claims</b> & \"quotes\"", "<b>Claims</b> & \"quotes\""), ("  Showing feedback  ", "Showing feedback"),
        ("保険請求", "保険請求"), ("", "Something else"), ("   ", "Something else"), (nil, "Something else"),
    ])
    func theLabelIsTheNameAsGiven(name: String?, label: String) throws {
        var profile = try ScoringFixtures.profile("plumbing-contractor")
        profile.workflows.append(Self.custom(name, kind: "collecting_data"))
        let r = try scorer().score(profile)
        let o = try #require(r.opportunities.first { $0.workflow == WorkflowAnswers.customType })
        // Text stays text here; escaping is the renderers' job.
        #expect(o.label == label)
    }

    @Test func aBrokenCustomWorkflowPriorIsReportedAtItsLine() throws {
        let folder = ScoringFixtures.packFolder
        let scoring = try String(contentsOfFile: folder + "/scoring.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  main_share: 0.7", with: "  main_share: 1.5")
            .replacingOccurrences(of: "    applying_expertise: 0.4\n", with: "    daydreaming: 0.4\n")
        let lines = scoring.components(separatedBy: "\n")
        func line(_ marker: String) -> Int { (lines.firstIndex { $0.contains(marker) } ?? -1) + 1 }
        let catalog = try String(contentsOfFile: folder + "/catalog.yaml", encoding: .utf8)
        let pricing = try String(contentsOfFile: folder + "/pricing.yaml", encoding: .utf8)
        let issues: [PackIssue]
        do {
            _ = try ScoringModel.load(
                scoring: (scoring, "scoring.yaml"), catalog: (catalog, "catalog.yaml"),
                pricing: (pricing, "pricing.yaml"))
            issues = []
        } catch {
            issues = error.issues
        }
        #expect(
            issues.contains {
                $0.message.contains("custom_workflow.main_share must be between 0 and 1")
                    && $0.location.line == line("main_share: 1.5")
            })
        #expect(
            issues.contains {
                $0.message.hasPrefix("unknown activity 'daydreaming'") && $0.location.line == line("daydreaming")
            })
    }

    @Test func theQuestionnaireOffersTheKindsAndBudgetsTheParametersKnow() throws {
        let pack = try PackLoader.load(path: ScoringFixtures.packFolder)
        let model = try ScoringFixtures.model()
        let kind = try #require(pack.repeatGroup("workflow_details")?.questions.first { $0.id == "kind" })
        #expect(Set(kind.choices.map(\.value)) == Set(try #require(model.parameters.customWorkflow).kinds))
        let workflows = try #require(pack.question("workflows")?.question)
        #expect(workflows.choices.contains { $0.value == WorkflowAnswers.customType })
        // Every listed workflow has a prior; the named one is the only choice without one.
        #expect(workflows.choices.filter { model.parameters.workflows[$0.value] == nil }.map(\.value) == ["other"])
        let budget = try #require(pack.question("budget")?.question)
        for choice in budget.choices {
            #expect(model.pricing.budgetTier[choice.value] != nil, "\(choice.value) has no tier")
        }
        #expect(model.pricing.budgetCeiling["none"] == 0 && model.pricing.budgetCeiling["under_5k"] == 5000)
    }

    @Test func anUnknownKindIsListedButWorthNothing() throws {
        var profile = try ScoringFixtures.profile("dental-clinic")
        profile.workflows.append(Self.custom("Claims", kind: "managing_others"))
        let r = try scorer().score(profile)
        let o = try #require(r.opportunities.first { $0.workflow == WorkflowAnswers.customType })
        #expect(o.potential.value == 0 && o.annualValue.value == 0)
        #expect(o.label == "Claims")
    }

    @Test func aCustomWorkflowReadThroughTheQuestionnaireIsScored() throws {
        let pack = try PackLoader.load(path: ScoringFixtures.packFolder)
        let file = "\(ScoringFixtures.packFolder)/examples/dental-clinic.yaml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "workflows: [scheduling, customer_inquiries, invoicing]",
            with: "workflows: [scheduling, customer_inquiries, invoicing, other]")
        text = text.replacingOccurrences(
            of: "  workflow_details:\n",
            with: """
                  workflow_details:
                    other: {name: Rejected insurance claims, kind: processing_data, hours: 9, people: 2, repeatable: 4, rule_based: 4, input_format: unstructured, tools_touched: 3, error_rate: often, volume: 60}

                """)
        text = text.replacingOccurrences(of: "budget: 25k_50k", with: "budget: under_5k")
        let imported = AnswersImport(try AnswersFile.read(text, file: file), pack: pack)
        #expect(imported.problems.isEmpty, "\(imported.problems)")
        let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
        let custom = try #require(profile.workflows.first { $0.isCustom })
        #expect(custom.name == "Rejected insurance claims" && custom.kind == "processing_data")
        #expect(profile.budget == "under_5k")
        let r = try scorer().score(profile)
        #expect(r.opportunities.contains { $0.label == "Rejected insurance claims" && $0.annualValue.value > 0 })
        #expect(r.plan.agents.count == 1)
        #expect(r.flags.contains { $0.hasPrefix("Even the smallest plan, one agent, costs") })
    }

    // MARK: Small budgets

    @Test(arguments: ["none", "under_5k"])
    func aBudgetBelowTheSmallestBuildIsHeldToOneAgentAndSaysSo(budget: String) throws {
        for name in ScoringFixtures.exampleNames {
            var profile = try ScoringFixtures.profile(name)
            profile.budget = budget
            let r = try scorer().score(profile)
            #expect(r.plan.agents.count == 1, "\(name)")
            let firstYear = r.cost.firstYearInvestment.value.double
            #expect(firstYear > 5000)
            let style = MoneyStyle(currency: profile.currency, region: profile.region)
            let cost = MoneyFormat.money(firstYear, style)
            let flag = try #require(r.flags.first { $0.contains("smallest plan, one agent") }, "\(name): \(r.flags)")
            #expect(flag.contains(cost) && flag.contains("do not build yet") && flag.contains("for two weeks"))
            #expect(
                budget == "none"
                    ? flag.hasPrefix("No budget is set aside yet")
                    : flag.contains("(under \(MoneyFormat.money(5000, style)))"))
            #expect(r.plan.why.contains("not a recommendation to spend it now"), "\(r.plan.why)")
            #expect(
                r.plan.why.contains("measure \(r.opportunities.first { $0.inPlan }!.label.lowercased()) for two weeks"))
        }
    }

    @Test func aForcedTierIsTheConsultantsChoiceAndStillFlagged() throws {
        var profile = try ScoringFixtures.profile("real-estate-team")
        profile.budget = "none"
        let r = try scorer().score(profile, overrides: ScoringOverrides(parsing: ["tier=growth"]))
        #expect(r.plan.agents.count > 1)
        #expect(r.flags.contains { $0.contains("is above the budget given") })
    }

    @Test func theOtherBudgetsAreUnchanged() throws {
        let scorer = try scorer()
        for name in ScoringFixtures.exampleNames {
            var profile = try ScoringFixtures.profile(name)
            profile.budget = "25k_50k"
            let r = try scorer.score(profile)
            #expect(!r.flags.contains { $0.contains("smallest plan") })
            #expect(!r.plan.why.contains("Held to one agent"))
        }
    }

    // MARK: Properties over generated businesses

    @Test(arguments: [UInt64(3), 17, 29])
    func generatedProfilesWithCustomWorkflowsAndSmallBudgetsStayHonest(seed: UInt64) throws {
        let model = try ScoringFixtures.model()
        let scorer = try scorer()
        var generator = ProfileGenerator(seed: seed, workflowTypes: Array(model.parameters.workflows.keys))
        var customs = 0
        var small = 0
        for _ in 0..<300 {
            let profile = generator.next()
            let r = try scorer.score(profile)
            let style = MoneyStyle(currency: profile.currency, region: profile.region)
            for w in profile.workflows where w.isCustom {
                customs += 1
                let o = try #require(r.opportunities.first { $0.workflow == w.type })
                let trimmed = w.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                #expect(o.label == (trimmed.isEmpty ? "Something else" : trimmed))
                let prior = try #require(model.parameters.customWorkflow?.prior(kind: w.kind ?? "", name: w.name))
                #expect(o.potential.value.double <= prior.cap + 0.0005)
                #expect(o.agent == nil && !o.inPlan)
                #expect(o.annualValue.value >= 0 && o.annualValue.value.double.isFinite)
                if w.hoursPerWeek > 0 && (w.kind.map { model.parameters.customWorkflow?.caps[$0] != nil } ?? false) {
                    #expect(o.potential.value > 0)
                }
            }
            // Never a plan over the budget without a flag that names its first-year cost.
            let firstYear = r.cost.firstYearInvestment.value.double
            if let ceiling = model.pricing.budgetCeiling[profile.budget], !r.plan.agents.isEmpty,
                firstYear.rounded() > ceiling.rounded()
            {
                let cost = MoneyFormat.money(firstYear, style)
                #expect(r.flags.contains { $0.contains(cost) }, "\(profile.name) \(profile.budget): \(r.flags)")
            }
            if ["none", "under_5k"].contains(profile.budget) {
                small += 1
                #expect(r.plan.agents.count <= 1)
                if !r.plan.agents.isEmpty {
                    #expect(r.flags.contains { $0.contains("smallest plan, one agent") })
                    #expect(r.plan.why.contains("Held to one agent"))
                }
            }
        }
        // The generator does produce what is tested here.
        #expect(customs > 50 && small > 50)
    }
}
