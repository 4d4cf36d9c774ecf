import Foundation

/// How the runtime estimates the hours an agent takes over each week: its tasks (skill runs, from
/// the audit log) times the minutes a person would spend on each, a figure from the catalog with
/// its source. An estimate, and said to be one wherever it is shown.
public struct KPIEstimate: Codable, Sendable, Equatable {
    /// The agent whose tasks are counted.
    public var agent: String
    /// Minutes of a person's work one task stands for.
    public var minutesPerTask: Double
    /// Where that figure comes from.
    public var source: String

    public init(agent: String, minutesPerTask: Double, source: String) {
        self.agent = agent
        self.minutesPerTask = minutesPerTask
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case agent, source
        case minutesPerTask = "minutes_per_task"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agent, forKey: .agent)
        try c.encode(PlainNumber(minutesPerTask), forKey: .minutesPerTask)
        try c.encode(source, forKey: .source)
    }
}
