import Blueprint
import Foundation
import Outcomes
import Questionnaire

/// Builds the blueprint of the recommended agent system from a scoring result: the planned agents
/// with least-privilege scopes, the handoffs between them, the approval rules (high-stakes actions
/// always, plus the business's own choices), the embedded default connectors, and KPIs with their
/// baselines and targets. Pure.
public struct BlueprintPlanner: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// What each approval answer of the questionnaire means as an action.
    static let approvalActions: [String: (action: ActionKind, when: ApprovalCondition)] = [
        "contracts": (.contractSend, .always), "payments": (.paymentCommit, .always),
        "refunds": (.refundIssue, .always),
        "complaint_replies": (.complaintReply, .always), "discounts": (.discountOffer, .always),
        "first_contact": (.emailSend, .firstContact), "calendar_changes": (.calendarBook, .changeOrCancel),
        "publish": (.contentPublish, .always),
    ]

    /// The hours the planned system works: Monday to Friday, 08:00 to 17:00.
    static let workingHours = WorkingHours(days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "17:00")

    /// - Parameters:
    ///   - leadResponseMinutes: today's first-response time, for the lead KPI.
    ///   - volumes: the work answered a week; each agent's limit is sized from it (never below the
    ///     catalog's default), and its expected volume written beside the limit.
    ///   - services, serviceArea: what the business offers and where, when the assessment asked.
    ///   - inquiryResponseMinutes: today's first-answer time to a customer's question.
    ///   - provenance: what the blueprint is built from (``provenance(of:assessmentID:date:)``).
    public func blueprint(
        for result: AssessmentResult, approvalsChosen: [String], leadResponseMinutes: Double?,
        volumes: WorkVolumes = WorkVolumes(), services: [String] = [], serviceArea: [String] = [],
        inquiryResponseMinutes: Double? = nil, provenance: Provenance? = nil
    ) -> Blueprint {
        let templates = result.plan.agents.compactMap { planned in catalog.agents.first { $0.id == planned.id } }
        let hours = Self.workingHours.hoursPerWeek ?? 40
        let agents = templates.map { t in
            var agent = Agent(
                id: t.id, role: t.role, skill: t.skill, consumes: t.consumes, emits: t.emits,
                permissions: t.permissions,
                limits: Limits(actionsPerHour: t.actionsPerHour), settings: t.settings)
            if let expected = volumes.expectedPerWeek(covering: t.covers) {
                // Whole items, rounded up, within what the file format holds.
                let perWeek = Int(min(expected.rounded(.up), Double(Int32.max)))
                agent.limits = Limits(
                    actionsPerHour: Limits.sized(
                        expectedPerWeek: Double(perWeek), hoursPerWeek: hours, actionsPerItem: agent.actionsPerItem,
                        floor: t.actionsPerHour),
                    expectedPerWeek: perWeek)
            }
            return agent
        }
        let emitted = Set(agents.flatMap(\.emits))
        var intake: [String] = []
        for event in agents.flatMap(\.consumes)
        where !emitted.contains(event) && !event.hasPrefix("schedule.") && !intake.contains(event) {
            intake.append(event)
        }
        var handoffs: [Handoff] = []
        for from in agents {
            for event in from.emits {
                for to in agents where to.id != from.id && to.consumes.contains(event) {
                    handoffs.append(Handoff(event: event, from: from.id, to: to.id))
                }
            }
        }
        return Blueprint(
            business: Business(
                name: result.business.name, timeZone: result.business.timeZone, currency: result.business.currency,
                workingHours: Self.workingHours, services: services.isEmpty ? nil : services,
                serviceArea: serviceArea.isEmpty ? nil : serviceArea),
            intake: intake, agents: agents, handoffs: handoffs,
            approvals: approvals(agents: agents, chosen: approvalsChosen + templates.flatMap(\.approvals)),
            connectors: Connectors(
                email: Connector(kind: "eml_folder", settings: ["folder": .string("outbox")]),
                calendar: Connector(kind: "builtin"), crm: Connector(kind: "builtin"),
                forms: Connector(
                    kind: "intake_api",
                    settings: [
                        "token": .string("${env:BATON_INTAKE_TOKEN}"),
                        "hmac_secret": .string("${env:BATON_INTAKE_HMAC_SECRET}"),
                    ])),
            schedules: Schedules(dailyReport: DailyReport(time: "17:30", recipients: ["owner"])),
            kpis: kpis(
                result, leadResponseMinutes: leadResponseMinutes, inquiryResponseMinutes: inquiryResponseMinutes,
                agents: agents),
            provenance: provenance)
    }

    /// The blueprint for a business's result, with its own approval choices, lead figures and volumes.
    public func blueprint(
        for result: AssessmentResult, profile: BusinessProfile, provenance: Provenance? = nil
    ) -> Blueprint {
        blueprint(
            for: result, approvalsChosen: profile.approvalActions, leadResponseMinutes: profile.leads?.responseMinutes,
            volumes: WorkVolumes(profile: profile), services: profile.services, serviceArea: profile.serviceArea,
            inquiryResponseMinutes: profile.inquiryResponseMinutes, provenance: provenance)
    }

    /// What a blueprint of `interview`'s assessment is built from: its id, the digest of its answers
    /// as `baton answers export --format json` writes them, and the day `date` falls on (UTC).
    public static func provenance(of interview: Interview, assessmentID: Int64, date: Date) -> Provenance {
        Provenance(
            assessmentID: assessmentID,
            answersFingerprint: ContentDigest.sha256(AnswersFile.export(interview, format: .json)),
            date: Provenance.day(date))
    }

    /// High-stakes actions always wait; so do the business's own choices that an agent could take.
    private func approvals(agents: [Agent], chosen: [String]) -> [ApprovalRule] {
        var rules: [ApprovalRule] = ActionKind.highStakes.map { action in
            ApprovalRule(
                action: action, when: .always, approver: "owner", timeout: Timeout(after: "24h", then: "escalate"))
        }
        let possible = Set(
            agents.flatMap { agent in
                (SkillCatalog.skill(agent.skill)?.actions ?? []).filter { action in
                    SkillCatalog.allows(agent.permissions, action)
                }
            })
        for answer in chosen {
            guard let (action, when) = Self.approvalActions[answer], possible.contains(action),
                !rules.contains(where: { $0.action == action && $0.when == when })
            else { continue }
            rules.append(
                ApprovalRule(
                    action: action, when: when, approver: "owner", timeout: Timeout(after: "4h", then: "remind")))
        }
        return rules
    }

    /// The KPIs with their baselines as the questionnaire asked them (durations in minutes, hours a
    /// week), where each came from, and for the hours how the runtime estimates what an agent takes over.
    private func kpis(
        _ r: AssessmentResult, leadResponseMinutes: Double?, inquiryResponseMinutes: Double?, agents: [Agent]
    ) -> [KPI] {
        var list: [KPI] = []
        func planned(_ workflows: Set<String>) -> Bool {
            r.opportunities.contains { workflows.contains($0.workflow) && $0.inPlan }
        }
        if let minutes = leadResponseMinutes, planned(["lead_intake"]) {
            list.append(
                KPI(
                    id: "lead_first_response", name: "Lead first-response time", unit: "minutes", baseline: minutes,
                    target: 5, source: "answers: lead_response_time (a duration, in minutes)"))
        }
        if let minutes = inquiryResponseMinutes, planned(["customer_inquiries", "complaints"]) {
            list.append(
                KPI(
                    id: "inquiry_first_response", name: "Customer question first-answer time", unit: "minutes",
                    baseline: minutes, target: min(minutes, 60),
                    source: "answers: inquiry_response_time (a duration, in minutes)"))
        }
        for o in r.opportunities where o.inPlan {
            let now = NSDecimalNumber(decimal: o.hoursPerWeek).doubleValue
            let saved = NSDecimalNumber(decimal: o.hoursSavedPerWeek.value).doubleValue
            let template = catalog.agent(covering: o.workflow)
            var estimate: KPIEstimate?
            if let template, agents.contains(where: { $0.id == template.id }), let minutes = template.minutesPerTask {
                estimate = KPIEstimate(
                    agent: template.id, minutesPerTask: minutes,
                    source: "catalog: \(template.id).minutes_per_task (\(template.minutesSource ?? "no source given"))")
            }
            list.append(
                KPI(
                    id: "\(o.workflow)_hours", name: "\(o.label): hours a week", unit: "hours/week", baseline: now,
                    target: (max(0, now - saved) * 10).rounded() / 10,
                    source: "answers: workflow_details[\(o.workflow)].hours (hours a week)", estimate: estimate))
        }
        return list
    }
}
