import Foundation
import Questionnaire

/// The answers the scoring model reads, typed, from a completed smb-ai-readiness assessment.
public struct BusinessProfile: Sendable {
    public var name: String
    public var industry: String
    public var region: String
    public var timeZone: String
    public var currency: String
    public var teamSize: Int
    public var ownerHourly: Double
    public var staffHourly: Double
    public var toolsUsed: [String]
    /// Whether the main tools are online services; `nil` when not asked.
    public var cloudTools: Bool?
    public var workflows: [WorkflowAnswers]
    public var leads: LeadFigures?
    public var biggestPain: String?
    public var target: String
    public var baselineMeasured: Bool
    public var budget: String
    public var processesDocumented: String
    public var dataQuality: Int
    public var systemOwner: String
    public var approvalActions: [String]
    /// The free-text notes at the end of the questionnaire ("Anything else…"), when not blank.
    public var notes: String? = nil
    /// Customer questions and complaints a week, when asked; sizes the support agent's limit.
    public var inquiriesPerWeek: Double? = nil
    /// How long a customer waits for a first answer today, in minutes (`inquiry_response_time`), when asked.
    public var inquiryResponseMinutes: Double? = nil
    /// What the business offers and where it works, when a pack asks (`services`, `service_area`:
    /// a list, or text with one item a line or separated by commas); the lead qualifier matches
    /// leads against them.
    public var services: [String] = []
    public var serviceArea: [String] = []

    /// Reads the profile from an interview's answers (only questions that were asked count).
    /// - Throws: ``ScoringError`` naming the first required answer that is missing.
    public init(interview: Interview) throws(ScoringError) {
        let answers = interview.effectiveAnswers
        func value(_ id: String, group: String? = nil, item: String? = nil) -> AnswerValue? {
            let v = answers[AnswerKey(question: id, group: group, item: item)]
            return v == .skipped ? nil : v
        }
        func text(_ id: String) throws(ScoringError) -> String {
            guard case .text(let s) = value(id) else { throw ScoringError.missing(id) }
            return s
        }
        func number(_ id: String, group: String? = nil, item: String? = nil) throws(ScoringError) -> Double {
            guard let d = value(id, group: group, item: item)?.decimal else {
                throw ScoringError.missing(group.map { "\($0)[\(item ?? "")].\(id)" } ?? id)
            }
            return NSDecimalNumber(decimal: d).doubleValue
        }
        func optionalNumber(_ id: String) -> Double? {
            value(id)?.decimal.map { NSDecimalNumber(decimal: $0).doubleValue }
        }
        func list(_ id: String) -> [String] {
            if case .choices(let items) = value(id) { return items }
            return []
        }
        func bool(_ id: String) -> Bool? {
            if case .bool(let b) = value(id) { return b }
            return nil
        }

        name = try text("business_name")
        industry = try text("industry")
        region = try text("region")
        timeZone = try text("time_zone")
        currency = try text("currency")
        teamSize = Int(try number("team_size"))
        guard let owner = interview.computed("owner_hourly").number else {
            throw ScoringError.missing("owner_hourly_cost")
        }
        ownerHourly = owner
        staffHourly = interview.computed("staff_hourly").number ?? owner
        toolsUsed = list("tools_used")
        cloudTools = bool("cloud_tools")
        var workflows: [WorkflowAnswers] = []
        for type in list("workflows") {
            func detail(_ id: String) throws(ScoringError) -> Double {
                try number(id, group: "workflow_details", item: type)
            }
            func choice(_ id: String) throws(ScoringError) -> String {
                guard case .text(let s) = value(id, group: "workflow_details", item: type) else {
                    throw ScoringError.missing("workflow_details[\(type)].\(id)")
                }
                return s
            }
            // The workflow the prospect named: its name and the kind of work it mostly is.
            var name: String?
            var kind: String?
            if type == WorkflowAnswers.customType {
                name = try choice("name")
                kind = try choice("kind")
            }
            workflows.append(
                WorkflowAnswers(
                    type: type, hoursPerWeek: try detail("hours"), people: Int(try detail("people")),
                    repeatable: Int(try detail("repeatable")), ruleBased: Int(try detail("rule_based")),
                    inputFormat: try choice("input_format"), toolsTouched: Int(try detail("tools_touched")),
                    errorRate: try choice("error_rate"), volumePerWeek: try detail("volume"),
                    name: name, kind: kind))
        }
        self.workflows = workflows
        if let leadsPerWeek = optionalNumber("leads_per_week"), let response = optionalNumber("lead_response_time"),
            let closeRate = optionalNumber("close_rate"), let dealValue = optionalNumber("average_deal_value")
        {
            leads = LeadFigures(
                perWeek: leadsPerWeek, responseMinutes: response, closeRate: closeRate / 100, dealValue: dealValue)
        }
        if case .text(let pain) = value("biggest_pain") { biggestPain = pain }
        target = (try? text("target")) ?? ""
        baselineMeasured = bool("baseline_measured") ?? false
        budget = (try? text("budget")) ?? "unsure"
        processesDocumented = (try? text("processes_documented")) ?? "none"
        dataQuality = Int(optionalNumber("data_quality") ?? 3)
        systemOwner = (try? text("system_owner")) ?? "nobody"
        approvalActions = list("approval_actions")
        inquiriesPerWeek = optionalNumber("inquiries_per_week")
        inquiryResponseMinutes = optionalNumber("inquiry_response_time")
        func items(_ id: String) -> [String] {
            let written: [String]
            switch value(id) {
            case .choices(let chosen): written = chosen
            case .text(let text): written = text.split(whereSeparator: { ",;\n".contains($0) }).map(String.init)
            default: written = []
            }
            var seen: Set<String> = []
            return written.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
        }
        services = items("services")
        serviceArea = items("service_area")
        if case .text(let written) = value("notes"), !written.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            notes = written.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// The answers about one weekly workflow.
public struct WorkflowAnswers: Sendable, Equatable {
    public var type: String
    public var hoursPerWeek: Double
    public var people: Int
    /// 1 (different every time) to 5 (the same every time).
    public var repeatable: Int
    /// 1 (all judgement) to 5 (clear rules).
    public var ruleBased: Int
    /// paper, unstructured or structured.
    public var inputFormat: String
    public var toolsTouched: Int
    /// rare, sometimes or often.
    public var errorRate: String
    public var volumePerWeek: Double
    /// For the workflow the prospect names ("something else"): the name they gave it. `nil` for
    /// the listed workflows.
    public var name: String? = nil
    /// For the workflow the prospect names: the kind of work it mostly is, an activity of
    /// `scoring.yaml` (`processing_data`, `collecting_data`, `stakeholder_interaction`,
    /// `applying_expertise`). `nil` for the listed workflows.
    public var kind: String? = nil

    /// The `workflows` choice value of the workflow the prospect names.
    public static let customType = "other"

    /// Whether this is the workflow the prospect named rather than one of the listed types.
    public var isCustom: Bool { type == Self.customType }
}

/// The sales figures behind the revenue effect of faster responses.
public struct LeadFigures: Sendable, Equatable {
    public var perWeek: Double
    public var responseMinutes: Double
    /// 0 to 1.
    public var closeRate: Double
    public var dealValue: Double

    public init(perWeek: Double, responseMinutes: Double, closeRate: Double, dealValue: Double) {
        self.perWeek = perWeek
        self.responseMinutes = responseMinutes
        self.closeRate = closeRate
        self.dealValue = dealValue
    }
}

/// An assessment that cannot be scored, or parameters that cannot be used.
public struct ScoringError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    static func missing(_ id: String) -> ScoringError {
        ScoringError("the assessment has no answer for '\(id)'; finish it with `baton assess --resume` first")
    }
}

extension BusinessProfile {
    /// A profile from figures directly (generated profiles, tests).
    public init(
        name: String, industry: String, region: String, timeZone: String, currency: String, teamSize: Int,
        ownerHourly: Double,
        staffHourly: Double, toolsUsed: [String], cloudTools: Bool?, workflows: [WorkflowAnswers], leads: LeadFigures?,
        biggestPain: String?, target: String, baselineMeasured: Bool, budget: String, processesDocumented: String,
        dataQuality: Int, systemOwner: String, approvalActions: [String]
    ) {
        self.name = name
        self.industry = industry
        self.region = region
        self.timeZone = timeZone
        self.currency = currency
        self.teamSize = teamSize
        self.ownerHourly = ownerHourly
        self.staffHourly = staffHourly
        self.toolsUsed = toolsUsed
        self.cloudTools = cloudTools
        self.workflows = workflows
        self.leads = leads
        self.biggestPain = biggestPain
        self.target = target
        self.baselineMeasured = baselineMeasured
        self.budget = budget
        self.processesDocumented = processesDocumented
        self.dataQuality = dataQuality
        self.systemOwner = systemOwner
        self.approvalActions = approvalActions
    }
}
