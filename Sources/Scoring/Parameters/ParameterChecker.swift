import Blueprint
import Diagnostics
import Questionnaire
import Yams

/// The checks across parameter files that decoding alone cannot make: ranges, sums, references.
struct ParameterChecker {
    let scoring: (value: ScoringParameters, root: Node, file: String)
    let catalog: (value: Catalog, root: Node, file: String)
    let pricing: (value: Pricing, root: Node, file: String)

    func issues() -> [PackIssue] {
        var found: [PackIssue] = []
        func fail(_ path: [String], in file: (root: Node, file: String), _ message: String) {
            found.append(
                PackIssue(.error, at: ParameterFile.location(of: path, in: file.root, file: file.file), message))
        }
        let s = scoring.value
        let sFile = (scoring.root, scoring.file)
        func share(_ value: Double, _ path: [String], _ what: String) {
            if !(0...1).contains(value) { fail(path, in: sFile, "\(what) must be between 0 and 1, not \(value)") }
        }
        for (activity, value) in s.activities.automatable {
            share(value, ["activities", "automatable", activity], "the automatable share of '\(activity)'")
        }
        for (type, prior) in s.workflows.sorted(by: { $0.key < $1.key }) {
            let path = ["workflows", type]
            for (activity, value) in prior.mix {
                if s.activities.automatable[activity] == nil {
                    fail(
                        path + ["mix", activity], in: sFile,
                        "unknown activity '\(activity)'; known: \(s.activities.automatable.keys.sorted().joined(separator: ", "))"
                    )
                }
                share(value, path + ["mix", activity], "a mix share")
            }
            let total = prior.mix.values.reduce(0, +)
            if abs(total - 1) > 0.001 {
                fail(path + ["mix"], in: sFile, "the mix of '\(type)' sums to \(total), not 1")
            }
            share(prior.cap, path + ["cap"], "the cap of '\(type)'")
            if prior.source.isEmpty { fail(path, in: sFile, "the prior of '\(type)' needs a source") }
        }
        if s.workflows[WorkflowAnswers.customType] != nil {
            fail(
                ["workflows", WorkflowAnswers.customType], in: sFile,
                "'\(WorkflowAnswers.customType)' is the workflow the prospect names; priors for it go in custom_workflow"
            )
        }
        if let custom = s.customWorkflow {
            let path = ["custom_workflow"]
            share(custom.mainShare, path + ["main_share"], "custom_workflow.main_share")
            if custom.caps.isEmpty {
                fail(path + ["caps"], in: sFile, "custom_workflow needs at least one kind of work")
            }
            for (kind, cap) in custom.caps.sorted(by: { $0.key < $1.key }) {
                if s.activities.automatable[kind] == nil {
                    fail(
                        path + ["caps", kind], in: sFile,
                        "unknown activity '\(kind)'; known: \(s.activities.automatable.keys.sorted().joined(separator: ", "))"
                    )
                }
                share(cap, path + ["caps", kind], "the cap of a custom workflow that is mostly '\(kind)'")
            }
            if custom.source.isEmpty { fail(path, in: sFile, "custom_workflow needs a source") }
        }
        for (name, values) in [("repeatable", s.adjustments.repeatable), ("rule_based", s.adjustments.ruleBased)]
        where values.count != 5 {
            fail(
                ["adjustments", name], in: sFile,
                "adjustments.\(name) needs 5 factors, one per scale point; it has \(values.count)")
        }
        for key in ["paper", "unstructured", "structured"] where s.adjustments.inputFormat[key] == nil {
            fail(["adjustments", "input_format"], in: sFile, "adjustments.input_format needs a factor for '\(key)'")
        }
        if s.adjustments.toolsTouched.isEmpty {
            fail(["adjustments", "tools_touched"], in: sFile, "tools_touched needs at least one factor")
        }
        for key in ["rare", "sometimes", "often"] where s.rework.errorShare[key] == nil {
            fail(["rework", "error_share"], in: sFile, "rework.error_share needs a share for '\(key)'")
        }
        if s.adoption.ramp.isEmpty || s.adoption.ramp.contains(where: { !(0...1).contains($0) }) {
            fail(["adoption", "ramp"], in: sFile, "adoption.ramp needs monthly shares between 0 and 1")
        }
        let bands = s.leadResponse.bands
        if bands.last?.upToMinutes != nil {
            fail(
                ["lead_response", "bands"], in: sFile,
                "the last band must have no up_to_minutes (it takes everything slower)")
        }
        let bounds = bands.compactMap(\.upToMinutes)
        if bounds != bounds.sorted() {
            fail(["lead_response", "bands"], in: sFile, "bands must go from fastest to slowest")
        }
        for (i, band) in bands.enumerated() where !(0...1).contains(band.uplift) {
            fail(
                ["lead_response", "bands", "\(i)", "uplift"], in: sFile,
                "an uplift must be between 0 and 1 (relative), not \(band.uplift)")
        }
        let scaleCap = s.leadResponse.scaleCap
        if !(scaleCap.revenuePerPerson > 0) || !scaleCap.revenuePerPerson.isFinite {
            fail(
                ["lead_response", "scale_cap", "revenue_per_person"], in: sFile,
                "revenue_per_person must be a positive amount, not \(scaleCap.revenuePerPerson)")
        }
        share(scaleCap.maxShare, ["lead_response", "scale_cap", "max_share"], "scale_cap.max_share")
        if scaleCap.source.allSatisfy(\.isWhitespace) {
            fail(["lead_response", "scale_cap"], in: sFile, "scale_cap needs a source")
        }
        share(s.leadResponse.dominantShare.value, ["lead_response", "dominant_share", "value"], "dominant_share")
        if s.leadResponse.dominantShare.source.allSatisfy(\.isWhitespace) {
            fail(["lead_response", "dominant_share"], in: sFile, "dominant_share needs a source")
        }
        for type in s.leadResponse.appliesTo where s.workflows[type] == nil {
            fail(["lead_response", "applies_to"], in: sFile, "unknown workflow type '\(type)'")
        }
        let weights = s.ease.weights
        if abs(weights.apis + weights.integrations + weights.dataQuality + weights.documentation - 1) > 0.001 {
            fail(["ease", "weights"], in: sFile, "ease weights must sum to 1")
        }
        let readinessTotal = s.readiness.weights.values.reduce(0, +)
        if abs(readinessTotal - 100) > 0.001 {
            fail(["readiness", "weights"], in: sFile, "readiness weights must sum to 100, not \(readinessTotal)")
        }
        for key in ["low", "expected", "high"] where s.roi.scenarios[key] == nil {
            fail(["roi", "scenarios"], in: sFile, "roi.scenarios needs '\(key)'")
        }
        let mc = s.roi.monteCarlo
        if mc.samples < 1 || mc.samples > 1_000_000 {
            fail(["roi", "monte_carlo", "samples"], in: sFile, "samples must be 1 to 1,000,000")
        }
        for (name, spread) in [
            ("hours_spread", mc.hoursSpread), ("potential_spread", mc.potentialSpread), ("cost_spread", mc.costSpread),
        ] {
            share(spread, ["roi", "monte_carlo", name], name)
        }
        if !(0...1).contains(s.roi.discountRate) {
            fail(["roi", "discount_rate"], in: sFile, "discount_rate is a share between 0 and 1")
        }
        if s.readiness.painHours < 0 { fail(["readiness", "pain_hours"], in: sFile, "pain_hours cannot be negative") }
        if !(1...52).contains(s.workingWeeks.value) {
            fail(["working_weeks", "value"], in: sFile, "working weeks are 1 to 52")
        }
        if mc.realisation.count != 2 || mc.upliftFactor.count != 2 {
            fail(["roi", "monte_carlo"], in: sFile, "realisation and uplift_factor are [low, high] ranges")
        }

        let cFile = (catalog.root, catalog.file)
        var seen: Set<String> = []
        for (i, agent) in catalog.value.agents.enumerated() {
            if !seen.insert(agent.id).inserted {
                fail(["agents", "\(i)", "id"], in: cFile, "duplicate agent id '\(agent.id)'")
            }
            for type in agent.covers where s.workflows[type] == nil {
                fail(
                    ["agents", "\(i)", "covers"], in: cFile,
                    "agent '\(agent.id)' covers unknown workflow type '\(type)'")
            }
            if agent.permissions.contains(where: { $0 == "*" || $0.hasSuffix(".*") }) {
                fail(
                    ["agents", "\(i)", "permissions"], in: cFile,
                    "agent '\(agent.id)' has a wildcard permission; list explicit scopes")
            }
            if agent.buildWeeks <= 0 {
                fail(["agents", "\(i)", "build_weeks"], in: cFile, "build_weeks must be positive")
            }
            if let minutes = agent.minutesPerTask, !(minutes > 0 && minutes <= 1440) || agent.minutesSource == nil {
                fail(
                    ["agents", "\(i)", "minutes_per_task"], in: cFile,
                    "minutes_per_task is over 0 and at most 1440, with its minutes_source")
            }
        }

        let pFile = (pricing.root, pricing.file)
        let build = pricing.value.build
        for (key, value) in [
            ("base", build.base), ("per_agent", build.perAgent), ("per_integration", build.perIntegration),
        ] where value < 0 {
            fail(["build", key], in: pFile, "build.\(key) cannot be negative")
        }
        for (i, tier) in pricing.value.tiers.enumerated() {
            if tier.supportMonthly < 0 {
                fail(["tiers", "\(i)", "support_monthly"], in: pFile, "support_monthly cannot be negative")
            }
            if !(0...12).contains(tier.supportMonthsYearOne) || !(0...12).contains(tier.supportMonthsPerYearAfter) {
                fail(["tiers", "\(i)"], in: pFile, "support months are 0 to 12 a year")
            }
            if tier.maxAgents < 1 || tier.maxIntegrations < 0 {
                fail(["tiers", "\(i)"], in: pFile, "a tier holds at least one agent")
            }
        }
        for (i, agent) in catalog.value.agents.enumerated() where agent.runMonthly < 0 || agent.actionsPerHour < 1 {
            fail(["agents", "\(i)"], in: cFile, "run_monthly cannot be negative and actions_per_hour is at least 1")
        }
        let tierIds = pricing.value.tiers.map(\.id)
        if tierIds.isEmpty { fail(["tiers"], in: pFile, "pricing needs at least one tier") }
        for (budget, ceiling) in pricing.value.budgetCeiling where ceiling < 0 {
            fail(["budget_ceiling", budget], in: pFile, "a budget ceiling cannot be negative")
        }
        for (budget, tier) in pricing.value.budgetTier where !tierIds.contains(tier) {
            fail(
                ["budget_tier", budget], in: pFile, "unknown tier '\(tier)'; tiers: \(tierIds.joined(separator: ", "))")
        }
        return found
    }
}
