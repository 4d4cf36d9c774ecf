import Foundation

/// What a commit will ask its transaction, known before it starts
/// (``RuntimeTransaction/foresee(_:)``): a store that answers from a server can read it all in one
/// round trip rather than one question at a time.
package struct CommitForecast: Sendable {
    /// An agent's action window the commit may read: the times after `since`, at most `limit`.
    package struct Window: Sendable, Equatable {
        package let agent: String
        package let since: Date
        package let limit: Int
        /// The most actions the commit may place in it (nil: not known, the window is read whole).
        /// While those and the ones that went stay under `limit`, no time of it is looked at.
        package let proposing: Int?

        package init(agent: String, since: Date, limit: Int, proposing: Int? = nil) {
            self.agent = agent
            self.since = since
            self.limit = limit
            self.proposing = proposing
        }
    }

    /// The windows of the agents that propose actions.
    package var windows: [Window] = []
    /// Whether the commit may ask how many emails its cases have queued (an email is proposed).
    package var emails = false
    /// The events the commit will store (those the steps emitted).
    package var events = 0

    package init(windows: [Window] = [], emails: Bool = false, events: Int = 0) {
        self.windows = windows
        self.emails = emails
        self.events = events
    }

    /// What committing `outcomes` will ask.
    init(_ outcomes: [CaseOutcome]) {
        var agents: [String: (since: Date, limit: Int)] = [:]
        var proposed: [String: Int] = [:]
        for outcome in outcomes {
            events += outcome.emitted.count
            for step in outcome.steps {
                guard case .ran(let runs) = step.result else { continue }
                for run in runs {
                    guard let actions = run.outcome?.actions, !actions.isEmpty else { continue }
                    if actions.contains(where: { $0.kind == .emailSend }) { emails = true }
                    proposed[run.agent.id, default: 0] += actions.count
                    if agents[run.agent.id] == nil {
                        agents[run.agent.id] = (
                            step.at.addingTimeInterval(-ActionWindow.hour), run.agent.limits.actionsPerHour
                        )
                    }
                }
            }
        }
        // The same count as the commit's (`Engine.Counts`): every action an agent proposes.
        windows = agents.map { agent, window in
            Window(agent: agent, since: window.since, limit: window.limit, proposing: proposed[agent])
        }.sorted { $0.agent < $1.agent }
    }
}
