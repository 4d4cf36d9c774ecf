import Blueprint
import Foundation

// The values the storage seam passes, made by a store in another module of the package (the
// PostgreSQL store): their member-wise initialisers are internal, these are the package's.

extension EventRecord {
    /// An event as a store read it.
    package init(
        storedID id: Int64, type: String, caseID: String, causationID: Int64?, payloadJSON: String, producer: String,
        idempotencyKey: String?, status: Status, createdAt: Date, dueAt: Date?, attempts: Int, lastError: String?,
        deadAt: Date?
    ) {
        self.init(
            id: id, type: type, caseID: caseID, causationID: causationID, payloadJSON: payloadJSON, producer: producer,
            idempotencyKey: idempotencyKey, status: status, createdAt: createdAt, dueAt: dueAt, attempts: attempts,
            lastError: lastError, deadAt: deadAt)
    }
}

extension OutboxItem {
    /// An outbox item as a store read it.
    package init(
        storedID id: Int64, idempotencyKey: String, caseID: String, agent: String, action: ActionKind,
        payloadJSON: String, status: Status, attempts: Int, createdAt: Date, sentAt: Date?, nextAttemptAt: Date?,
        lastError: String?
    ) {
        self.init(
            id: id, idempotencyKey: idempotencyKey, caseID: caseID, agent: agent, action: action,
            payloadJSON: payloadJSON, status: status, attempts: attempts, createdAt: createdAt, sentAt: sentAt,
            nextAttemptAt: nextAttemptAt, lastError: lastError)
    }
}

extension AuditEntry {
    /// An audit line as a store read it.
    package init(
        storedID id: Int64, at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String,
        notesJSON: String?
    ) {
        self.init(id: id, at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notesJSON: notesJSON)
    }
}

extension StepSnapshot {
    /// A step's snapshot as a store read it.
    package init(cases: [CaseSnapshot], busy: [DateInterval], at now: Date) {
        self.init(cases: cases, busy: busy, now: now)
    }
}

extension CaseSnapshot {
    /// One case of a step, as a store read it.
    package init(
        read caseID: String, events: [EventRecord], notes: [String: [String: String]], version: Int, moot: Set<Int64>,
        overridden: [Int64: ApprovalRecord]
    ) {
        self.init(caseID: caseID, events: events, notes: notes, version: version)
        self.moot = moot
        self.overridden = overridden
    }
}

extension AuditCount {
    /// A count as a store read it.
    package init(agent: String?, kind: AuditKind, lines: Int) {
        self.init(agent: agent, kind: kind, count: lines)
    }
}

extension MetricsFacts {
    /// The figures as a store read them.
    package init(
        totals: [String: Int], ready: Int, delayed: Int, dueDelayed: Int, dead: Int,
        waitingActions: [String: [String: Int]], pendingApprovals: Int
    ) {
        self.init(
            totals: totals, ready: ready, delayed: delayed, dueDelayed: dueDelayed, dead: dead,
            waitingActions: waitingActions, approvalsPending: pendingApprovals)
    }
}

extension StoredIntake {
    /// A submission's outcome as a store made it.
    package init(event id: Int64, caseID: String, isNew: Bool) {
        self.init(id: id, caseID: caseID, isNew: isNew)
    }
}

extension ApprovalRecord {
    /// An approval as a store read it (the timeout steps and revisions set after).
    package init(
        storedID id: Int64?, caseID: String, agent: String, action: ActionKind, proposedJSON: String, reason: String,
        status: Status, createdAt: Date
    ) {
        self.init(
            id: id, caseID: caseID, agent: agent, action: action, proposedJSON: proposedJSON, reason: reason,
            status: status, createdAt: createdAt)
    }
}

extension ApprovalPage {
    /// A page as a store read it.
    package init(page approvals: [ApprovalRecord], total: Int, next: Int64?) {
        self.init(approvals: approvals, total: total, next: next)
    }
}

extension PendingSummary {
    /// A summary as a store counted it.
    package init(pending count: Int, reasons: [(String, Int)], evidence: [(String, Int)]) {
        self.init(count: count, reasons: reasons, otherReasons: count - reasons.reduce(0) { $0 + $1.1 }, evidence: evidence)
    }
}

extension PendingKind {
    /// A kind as a store counted it.
    package init(pending action: ActionKind, agent: String, count: Int) {
        self.init(action: action, agent: agent, count: count)
    }
}

extension DashboardSession {
    /// A session as a store read it.
    package init(stored csrf: String, tokenID: Int64) {
        self.init(csrf: csrf, tokenID: tokenID)
    }
}

extension DashboardToken {
    /// A token as a store listed it.
    package init(stored id: Int64, label: String?, createdAt: Date, lastUsedAt: Date?, sessions: Int) {
        self.init(id: id, label: label, createdAt: createdAt, lastUsedAt: lastUsedAt, sessions: sessions)
    }
}

extension DeferredActions {
    /// Deferred actions as a store counted them.
    package init(stored agent: String, action: String, count: Int, first: Date, last: Date) {
        self.init(agent: agent, action: action, count: count, first: first, last: last)
    }
}

extension CaseSummary {
    /// A case as a store listed it.
    package init(stored id: String, openedAt: Date, latestEvent: String, latestAt: Date, events: Int) {
        self.init(id: id, openedAt: openedAt, latestEvent: latestEvent, latestAt: latestAt, events: events)
    }
}

extension CasePage {
    /// A page of cases as a store listed it.
    package init(stored cases: [CaseSummary], next: String?) {
        self.init(cases: cases, next: next)
    }
}

extension PruneSummary {
    /// What a store's prune removed.
    package init(
        closed: Int, open: Int, eventPayloads: Int, contexts: Int, outboxPayloads: Int, approvalEvidence: Int,
        auditLines: Int
    ) {
        self.init()
        (closedCases, openCases) = (closed, open)
        (self.eventPayloads, self.contexts, self.outboxPayloads) = (eventPayloads, contexts, outboxPayloads)
        (self.approvalEvidence, self.auditLines) = (approvalEvidence, auditLines)
    }
}
