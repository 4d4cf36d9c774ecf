import Blueprint

/// The agent templates Baton can build, and what each automates: `catalog.yaml` in a pack.
public struct Catalog: Codable, Sendable {
    public var version: Int
    public var agents: [AgentTemplate]

    /// The template that automates a workflow type, if any.
    public func agent(covering workflow: String) -> AgentTemplate? {
        agents.first { $0.covers.contains(workflow) }
    }
}

/// One agent template.
public struct AgentTemplate: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// What it does, in one sentence.
    public var role: String
    /// The orchestrator's built-in skill that runs it.
    public var skill: String
    /// Events it works on, and events it hands on.
    public var consumes: [String]
    public var emits: [String]
    public var actionsPerHour: Int
    /// The skill's default configuration.
    public var settings: [String: SettingValue]
    /// Workflow types it automates.
    public var covers: [String]
    /// Tools it connects to.
    public var integrations: [String]
    /// Scopes it needs (least privilege).
    public var permissions: [String]
    /// Actions of this agent that always wait for a person.
    public var approvals: [String]
    /// Weeks to build, test and hand over.
    public var buildWeeks: Double
    /// Running cost per month (hosting, API and model usage).
    public var runMonthly: Double
    /// A person's minutes one task of the agent (one skill run) stands for, and where the figure
    /// comes from: the runtime's estimate of the hours it takes over.
    public var minutesPerTask: Double?
    public var minutesSource: String?

    enum CodingKeys: String, CodingKey {
        case id, name, role, skill, consumes, emits, settings, covers, integrations, permissions, approvals
        case buildWeeks = "build_weeks", runMonthly = "run_monthly", actionsPerHour = "actions_per_hour"
        case minutesPerTask = "minutes_per_task", minutesSource = "minutes_source"
    }
}
