import Blueprint
import Foundation
import Outcomes

/// The measured KPIs: lead first-response time against the blueprint's baseline and target, work
/// per agent, escalations and refusals. Computed from the events, the outbox and the audit log.
/// Every lead counts: the first-response figures are over every lead that is not spam, a lead
/// without a reply counted at the time it has waited so far (its first response is at least that).
public struct KPIs: Codable, Sendable, Equatable {
    public var leadsReceived: Int
    public var leadsAnswered: Int
    /// Leads with no reply yet whose case waits for a person (an approval).
    public var leadsWaitingForPerson: Int
    /// Leads with no reply and nothing waiting for a person (spam left out).
    public var leadsUnanswered: Int
    /// Leads recorded as obvious spam: no reply is owed.
    public var leadsSpam: Int
    /// Minutes from a lead's arrival to its first reply leaving (or, without one, to now), 50th and 90th percentile.
    public var firstResponseP50Minutes: Double?
    public var firstResponseP90Minutes: Double?
    public var baselineMinutes: Double?
    public var targetMinutes: Double?
    public var tasksPerAgent: [String: Int]
    public var escalations: Int
    public var denials: Int

    enum CodingKeys: String, CodingKey {
        case escalations, denials
        case leadsReceived = "leads_received", leadsWaitingForPerson = "leads_waiting_for_person"
        case leadsUnanswered = "leads_unanswered", leadsSpam = "leads_spam"
        case leadsAnswered = "leads_answered", firstResponseP50Minutes = "first_response_p50_minutes"
        case firstResponseP90Minutes = "first_response_p90_minutes", baselineMinutes = "baseline_minutes"
        case targetMinutes = "target_minutes", tasksPerAgent = "tasks_per_agent"
    }

    /// Measures the store, optionally only between two moments (with the period's leads when the
    /// caller has read them already).
    package static func measure(
        _ store: any RuntimeStorage, blueprint: Blueprint, from: Date = .distantPast, to: Date = .distantFuture,
        leads: [LeadRecord]? = nil
    ) async throws -> KPIs {
        var ledger = leads ?? []
        if leads == nil { ledger = try await store.leadLedger(from: from, to: to) }
        let now = store.clock()
        let owed = ledger.filter { !$0.spam }
        let minutes = owed.map { lead in max(0, (lead.replied ?? now).timeIntervalSince(lead.received) / 60) }.sorted()
        let waiting = owed.filter { $0.replied == nil && $0.waitingForPerson }.count
        let answered = owed.filter { $0.replied != nil }.count
        func percentile(_ p: Double) -> Double? { Percentiles.nearestRank(minutes, p) }
        var tasks: [String: Int] = [:]
        var kinds: [AuditKind: Int] = [:]
        for row in try await store.auditCounts(from: from, to: to) {
            kinds[row.kind, default: 0] += row.count
            if row.kind == .skill { tasks[row.agent ?? "?", default: 0] += row.count }
        }
        let lead = blueprint.kpis.first { $0.id == "lead_first_response" }
        return KPIs(
            leadsReceived: ledger.count, leadsAnswered: answered, leadsWaitingForPerson: waiting,
            leadsUnanswered: owed.count - answered - waiting, leadsSpam: ledger.count - owed.count,
            firstResponseP50Minutes: percentile(0.5),
            firstResponseP90Minutes: percentile(0.9),
            baselineMinutes: lead?.baseline, targetMinutes: lead?.target, tasksPerAgent: tasks,
            escalations: kinds[.approval] ?? 0,
            denials: kinds[.denied] ?? 0)
    }
}
