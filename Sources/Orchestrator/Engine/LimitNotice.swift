import Blueprint
import Foundation

extension ApprovalNotice {
    /// The idempotency key of the notice that `agent` reached its hourly limit at `at`: one per agent
    /// and clock hour, so a burst committed over many steps (or repeated after a crash) tells the
    /// owner once.
    static func limitKey(agent: String, at: Date) -> String {
        "limit-\(agent)-\(Int((at.timeIntervalSince1970 / ActionWindow.hour).rounded(.down)))"
    }

    /// The email that tells the owner `agent` reached its limit of `limit` actions an hour, and that
    /// what it proposes meanwhile is deferred (not dropped, not waiting for them), the first at `goes`.
    func limitReached(to address: String, agent: String, limit: Int, goes: Date, caseID: String) -> [String: String] {
        let time = Self.time(goes, in: blueprint.business.timeZone)
        return [
            "to": address, "subject": "\(agent) reached its limit of \(limit) actions an hour",
            "body":
                "\(agent) reached its limit of \(limit) actions an hour (in case \(caseID)). What it proposes beyond the limit is not lost and does not wait for you: it is deferred to the next hour, the first at \(time), and goes then by itself, at most \(limit) an hour. High-stakes actions still wait for your approval.\n\nIf this is its normal volume, raise limits.actions_per_hour in the blueprint. What is deferred: \(dashboard)\n\n\(blueprint.business.name) · Baton",
        ]
    }

    /// `2026-03-02 14:05 (America/Edmonton)`.
    static func time(_ date: Date, in zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone) ?? .gmt
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "\(formatter.string(from: date)) (\(formatter.timeZone.identifier))"
    }
}
