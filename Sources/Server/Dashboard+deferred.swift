import Foundation
import Orchestrator

extension Dashboard {
    /// What the agents' hourly limits hold back now: per agent and action, how many actions are
    /// deferred and when the first and the last go. Nothing here waits for the owner; it says why
    /// replies may come later than usual. Empty when nothing is deferred.
    static func deferredSection(_ groups: [DeferredActions]) -> String {
        guard !groups.isEmpty else { return "" }
        var html =
            "<section class=\"deferred\"><h2>Deferred by hourly limits</h2><p>Over its <code>limits.actions_per_hour</code>, an agent's actions wait for the next hour and go by themselves; nothing here needs you.</p><ul>"
        for group in groups {
            html +=
                "<li>\(escape(group.agent)): \(group.count) \(escape(group.action)) deferred, the first goes at \(stamp(group.first)), the last at \(stamp(group.last))</li>"
        }
        return html + "</ul></section>"
    }
}
