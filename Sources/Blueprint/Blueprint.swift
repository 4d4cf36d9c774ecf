import Outcomes
import Yams

/// The chosen agent system as configuration: what the bundled orchestrator boots from.
///
/// Read and written as YAML (``BlueprintFile``), checked by ``BlueprintValidator``, described by
/// ``BlueprintSchema``. Keys are written in a fixed order, so the same blueprint gives the same bytes.
public struct Blueprint: Codable, Sendable, Equatable {
    public static let currentAPIVersion = "baton/v1"
    public static let kindName = "AgentSystem"

    public var apiVersion: String
    public var kind: String
    /// What the blueprint was built from: the assessment, a fingerprint of its answers and the
    /// day; absent in a blueprint written by hand. The review after go-live checks it.
    public var provenance: Provenance?
    public var business: Business
    /// Events that enter from outside (web forms, the API, schedules), not from an agent.
    public var intake: [String]
    public var agents: [Agent]
    public var handoffs: [Handoff]
    public var approvals: [ApprovalRule]
    public var connectors: Connectors
    public var schedules: Schedules
    public var kpis: [KPI]

    public init(
        apiVersion: String = Blueprint.currentAPIVersion, kind: String = Blueprint.kindName, business: Business,
        intake: [String], agents: [Agent],
        handoffs: [Handoff], approvals: [ApprovalRule], connectors: Connectors, schedules: Schedules, kpis: [KPI],
        provenance: Provenance? = nil
    ) {
        self.provenance = provenance
        self.apiVersion = apiVersion
        self.kind = kind
        self.business = business
        self.intake = intake
        self.agents = agents
        self.handoffs = handoffs
        self.approvals = approvals
        self.connectors = connectors
        self.schedules = schedules
        self.kpis = kpis
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, provenance, business, intake, agents, handoffs, approvals, connectors, schedules, kpis
    }
}

public struct Business: Codable, Sendable, Equatable {
    public var name: String
    /// An IANA time zone, e.g. `America/Toronto`.
    public var timeZone: String
    public var currency: String
    public var workingHours: WorkingHours
    /// What the business offers, in its own words (`drain cleaning`, `furnace repair`): the lead
    /// qualifier matches what a lead asks for against it. Absent: the qualifier matches no service.
    public var services: [String]?
    /// Where it works: place names (`Calgary`, `Bridgeland`) and beginnings of postal codes (`T2`,
    /// `T3A`, `90210`). Absent: any place a lead names counts as in the area.
    public var serviceArea: [String]?

    public init(
        name: String, timeZone: String, currency: String, workingHours: WorkingHours, services: [String]? = nil,
        serviceArea: [String]? = nil
    ) {
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.workingHours = workingHours
        self.services = services
        self.serviceArea = serviceArea
    }

    enum CodingKeys: String, CodingKey {
        case name
        case timeZone = "time_zone"
        case currency
        case workingHours = "working_hours"
        case services
        case serviceArea = "service_area"
    }
}

public struct WorkingHours: Codable, Sendable, Equatable {
    /// `mon` … `sun`.
    public var days: [String]
    /// `HH:MM`, 24-hour, in the business's time zone.
    public var start: String
    public var end: String

    public init(days: [String], start: String, end: String) {
        self.days = days
        self.start = start
        self.end = end
    }
}

/// One agent: a built-in skill with its events, explicit permissions and limits.
public struct Agent: Codable, Sendable, Equatable {
    public var id: String
    /// What it does, in one sentence.
    public var role: String
    /// A built-in skill (see ``SkillCatalog``).
    public var skill: String
    public var consumes: [String]
    public var emits: [String]
    /// Explicit scopes such as `crm.read` or `crm.write:lead_score`; never `*`.
    public var permissions: [String]
    public var limits: Limits
    /// The skill's configuration (rubric, templates…).
    public var settings: [String: SettingValue]

    public init(
        id: String, role: String, skill: String, consumes: [String], emits: [String], permissions: [String],
        limits: Limits,
        settings: [String: SettingValue]
    ) {
        self.id = id
        self.role = role
        self.skill = skill
        self.consumes = consumes
        self.emits = emits
        self.permissions = permissions
        self.limits = limits
        self.settings = settings
    }

    enum CodingKeys: String, CodingKey {
        case id, role, skill, consumes, emits, permissions, limits, settings
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(role, forKey: .role)
        try c.encode(skill, forKey: .skill)
        try c.encode(consumes, forKey: .consumes)
        try c.encode(emits, forKey: .emits)
        try c.encode(permissions, forKey: .permissions)
        try c.encode(limits, forKey: .limits)
        try c.encode(SettingValue.map(settings), forKey: .settings)
    }
}

public struct Limits: Codable, Sendable, Equatable {
    public var actionsPerHour: Int
    /// Items of work (leads, inquiries, invoices…) the agent is expected to handle a week, from
    /// the assessment; the validator warns when the limit cannot keep up with them.
    public var expectedPerWeek: Int?

    public init(actionsPerHour: Int, expectedPerWeek: Int? = nil) {
        self.actionsPerHour = actionsPerHour
        self.expectedPerWeek = expectedPerWeek
    }

    enum CodingKeys: String, CodingKey {
        case actionsPerHour = "actions_per_hour"
        case expectedPerWeek = "expected_per_week"
    }
}

/// Which event goes from which agent to which.
public struct Handoff: Codable, Sendable, Equatable {
    public var event: String
    public var from: String
    public var to: String

    public init(event: String, from: String, to: String) {
        self.event = event
        self.from = from
        self.to = to
    }
}

/// An action that waits for a person.
public struct ApprovalRule: Codable, Sendable, Equatable {
    /// The action, e.g. `refund.issue` (see ``SkillCatalog/actions``).
    public var action: ActionKind
    /// `always`, or a condition the orchestrator evaluates on the action.
    public var when: ApprovalCondition
    /// Who approves: `owner`, `staff`, or an email address.
    public var approver: String
    public var timeout: Timeout

    public init(action: ActionKind, when: ApprovalCondition, approver: String, timeout: Timeout) {
        self.action = action
        self.when = when
        self.approver = approver
        self.timeout = timeout
    }
}

/// What happens to an approval nobody answers: after `after`, `remind` reminds the approver once,
/// `escalate` reminds the approver and, after another `after`, tells `to` (the owner unless said),
/// `reject` closes it. Never `approve`: silence is not consent.
public struct Timeout: Codable, Sendable, Equatable {
    /// A duration such as `4h` or `2 days`.
    public var after: WaitDuration
    /// `reject`, `escalate` or `remind`; never `approve`: silence is not consent.
    public var then: TimeoutOutcome
    /// Who an `escalate` goes to: `owner`, `staff` or an email address; absent means `owner`.
    public var to: String?

    public init(after: WaitDuration, then: TimeoutOutcome, to: String? = nil) {
        self.after = after
        self.then = then
        self.to = to
    }
}

/// The adapters the agents use; secrets only as `${env:NAME}` references.
public struct Connectors: Codable, Sendable, Equatable {
    public var email: Connector
    public var calendar: Connector
    public var crm: Connector
    public var forms: Connector
    /// Where incoming mail is read (`maildir` or `imap`); absent: no mail is read.
    public var inbox: Connector?

    public init(email: Connector, calendar: Connector, crm: Connector, forms: Connector, inbox: Connector? = nil) {
        self.email = email
        self.calendar = calendar
        self.crm = crm
        self.forms = forms
        self.inbox = inbox
    }
}

public struct Connector: Codable, Sendable, Equatable {
    public var kind: String
    public var settings: [String: SettingValue]

    public init(kind: String, settings: [String: SettingValue] = [:]) {
        self.kind = kind
        self.settings = settings
    }

    enum CodingKeys: String, CodingKey {
        case kind, settings
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(SettingValue.map(settings), forKey: .settings)
    }
}

public struct Schedules: Codable, Sendable, Equatable {
    public var dailyReport: DailyReport

    public init(dailyReport: DailyReport) {
        self.dailyReport = dailyReport
    }

    enum CodingKeys: String, CodingKey {
        case dailyReport = "daily_report"
    }
}

public struct DailyReport: Codable, Sendable, Equatable {
    /// `HH:MM` in the business's time zone.
    public var time: String
    public var recipients: [String]

    public init(time: String, recipients: [String]) {
        self.time = time
        self.recipients = recipients
    }
}

/// A measure with its baseline from the assessment and its target.
public struct KPI: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    public var baseline: Double
    public var target: Double
    /// Where the baseline came from, in the questionnaire's words and unit
    /// (`answers: lead_response_time (minutes)`); absent in a blueprint written by hand.
    public var source: String?
    /// How the runtime estimates the hours an agent takes over, for an hours KPI.
    public var estimate: KPIEstimate?

    public init(
        id: String, name: String, unit: String, baseline: Double, target: Double, source: String? = nil,
        estimate: KPIEstimate? = nil
    ) {
        self.id = id
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.source = source
        self.estimate = estimate
    }

    enum CodingKeys: String, CodingKey {
        case id, name, unit, baseline, target, source, estimate
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(PlainNumber(baseline), forKey: .baseline)
        try c.encode(PlainNumber(target), forKey: .target)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(estimate, forKey: .estimate)
    }
}

/// A number written as people and YAML 1.1 readers expect it (`240`, `5.2`), not `2.4e+2`.
struct PlainNumber: Encodable, YAMLEncodable {
    let value: Double

    init(_ value: Double) {
        self.value = value
    }

    var text: String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    func box() -> Node {
        Node(text, Tag(value == value.rounded() ? .int : .float))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
