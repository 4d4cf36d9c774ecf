import Blueprint
import Foundation
import Outcomes

/// The measured KPIs: lead first-response time against the blueprint's baseline and target, the
/// customer inquiries' first-answer time, work per agent, escalations and refusals. Computed from
/// the events, the outbox and the audit log. Every lead counts: the first-response figures are over
/// every lead that is not spam, a lead without a reply counted at the time it has waited so far (its
/// first response is at least that); every inquiry likewise (``InquiryRecord``).
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
    /// Customer inquiries (questions, complaints, refund requests; not leads) and those answered.
    public var inquiriesReceived: Int
    public var inquiriesAnswered: Int
    /// Minutes from an inquiry's arrival to its first answer sent (or, without one, to now).
    public var inquiryFirstAnswerP50Minutes: Double?
    public var inquiryFirstAnswerP90Minutes: Double?

    enum CodingKeys: String, CodingKey {
        case escalations, denials
        case leadsReceived = "leads_received", leadsWaitingForPerson = "leads_waiting_for_person"
        case leadsUnanswered = "leads_unanswered", leadsSpam = "leads_spam"
        case leadsAnswered = "leads_answered", firstResponseP50Minutes = "first_response_p50_minutes"
        case firstResponseP90Minutes = "first_response_p90_minutes", baselineMinutes = "baseline_minutes"
        case targetMinutes = "target_minutes", tasksPerAgent = "tasks_per_agent"
        case inquiriesReceived = "inquiries_received", inquiriesAnswered = "inquiries_answered"
        case inquiryFirstAnswerP50Minutes = "inquiry_first_answer_p50_minutes"
        case inquiryFirstAnswerP90Minutes = "inquiry_first_answer_p90_minutes"
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
        let minutes = owed.map { lead in Self.minutes(from: lead.received, to: lead.replied, now: now) }.sorted()
        let waiting = owed.filter { $0.replied == nil && $0.waitingForPerson }.count
        let answered = owed.filter { $0.replied != nil }.count
        func percentile(_ p: Double) -> Double? { Percentiles.nearestRank(minutes, p) }
        let inquiries = try await store.inquiryLedger(from: from, to: to)
        let inquiryMinutes = inquiries.map { Self.minutes(from: $0.received, to: $0.answered, now: now) }.sorted()
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
            denials: kinds[.denied] ?? 0, inquiriesReceived: inquiries.count,
            inquiriesAnswered: inquiries.filter { $0.answered != nil }.count,
            inquiryFirstAnswerP50Minutes: Percentiles.nearestRank(inquiryMinutes, 0.5),
            inquiryFirstAnswerP90Minutes: Percentiles.nearestRank(inquiryMinutes, 0.9))
    }

    /// Minutes from `start` to `end`, or to `now` while there is no end yet (never below zero): a
    /// first response or answer, or the wait so far.
    static func minutes(from start: Date, to end: Date?, now: Date) -> Double {
        max(0, (end ?? now).timeIntervalSince(start) / 60)
    }
}
