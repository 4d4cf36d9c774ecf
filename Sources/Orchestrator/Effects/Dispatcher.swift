import Blueprint
import Foundation
import GRDB
import Mail

/// Runs queued actions through their connectors, at most once per idempotency key: an email goes
/// to the email connector (the `.eml` folder by default, or SMTP), a CRM update is an upsert in the
/// built-in CRM. A crash between the effect and its record is repaired on the next run: the `.eml`
/// folder finds the file already there, an SMTP server sees the same Message-ID again. Each action
/// is checked again against the blueprint it runs under: what an agent may no longer do is not done.
public struct Dispatcher: Sendable {
    let store: RuntimeStore
    /// The blueprint's agents by id.
    let agents: [String: Agent]
    /// The running blueprint's rules, applied again at dispatch.
    let gate: PolicyGate
    /// Where emails go.
    public let email: EmailConnector
    /// The outside calendar bookings are made on; without one they stay in the built-in calendar.
    public let calendar: CalendarConnector?
    /// Where webhook posts go; without one they cannot be delivered (and are dead, visibly).
    public let webhooks: WebhookConnector?
    let from: String

    public init(
        store: RuntimeStore, blueprint: Blueprint, email: EmailConnector, calendar: CalendarConnector? = nil,
        webhooks: WebhookConnector? = nil, from: String
    ) {
        self.store = store
        self.agents = Dictionary(blueprint.agents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.gate = PolicyGate(blueprint: blueprint)
        self.email = email
        self.calendar = calendar
        self.webhooks = webhooks
        self.from = from
    }

    /// Emails to the embedded `.eml` outbox folder.
    public init(store: RuntimeStore, blueprint: Blueprint, emailFolder: String, from: String) {
        self.init(store: store, blueprint: blueprint, email: EmlFolder(folder: emailFolder), from: from)
    }

    /// The actions the embedded connectors carry out: the `.eml` outbox, the built-in CRM and ledger.
    static let connected: Set<ActionKind> = [
        .emailSend, .complaintReply, .crmUpdate, .transactionRecord, .calendarBook, ApprovalNotice.action,
        WebhookSubscriptions.action,
    ]

    /// Attempts before an action is given up as dead (it then shows in the daily report).
    public static let maxAttempts = 5

    /// Waiting time before attempt `n + 1` after `n` failures: 30 s, 1 min, 2 min… at most an hour.
    public static func backoff(afterFailures n: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, n - 1))))
    }

    /// Dispatches up to `limit` queued actions that are due, oldest first; returns how many were
    /// sent. Three steps, and no transaction is open while a connector works: a short read of the
    /// due items; the emails, the bookings and the webhook posts handed to their connectors side by
    /// side (each connector bounds its own concurrency and times out its own requests, so a silent
    /// SMTP server delays only the emails); then one short write transaction records the CRM
    /// updates, the sent items and the failures (a timeout is a failure: retried after the backoff).
    ///
    /// - Parameter lane: only this connector's part of the outbox (``DispatcherService`` runs the
    ///   lanes side by side); every queued action when nil.
    @discardableResult
    public func dispatch(limit: Int = 512, lane: DispatchLane? = nil) async throws -> Int {
        let now = store.clock()
        let queued = try await store.database.read { db in
            var due = OutboxItem.filter(Column("status") == OutboxItem.Status.queued.rawValue)
                .filter(Column("next_attempt_at") == nil || Column("next_attempt_at") <= now)
            if let lane { due = lane.filter(due) }
            return try due.order(Column("id")).limit(limit).fetchAll(db)
        }
        guard !queued.isEmpty else { return 0 }
        var payloads: [Int64: [String: String]] = [:]
        var failures: [Int64: String] = [:]
        // Actions that can never succeed, with the reason: dead at once, not retried.
        var hopeless: [Int64: String] = [:]
        // Actions the running blueprint wants a person to approve first, with the rule.
        var held: [Int64: ApprovalRule] = [:]
        var emails: [OutgoingEmail] = []
        var appointments: [Appointment] = []
        var posts: [WebhookPost] = []
        for item in queued {
            let payload =
                (try? JSONSerialization.jsonObject(with: Data(item.payloadJSON.utf8))) as? [String: String] ?? [:]
            payloads[item.id!] = payload
            let isEmail = item.action.isEmail
            // Sent before a crash: recorded as sent, whatever has changed since (even the blueprint).
            if isEmail && email.alreadyDelivered(key: item.idempotencyKey) {
                emails.append(Self.outgoing(item, payload, from: from, at: now, origin: store.installID))
                continue
            }
            if let reason = revoked(item) {
                hopeless[item.id!] = reason
                continue
            }
            if let rule = try heldForApproval(item, payload) {
                held[item.id!] = rule
                continue
            }
            guard Self.connected.contains(item.action) else {
                // Nothing here can carry it out: give it up at once, visibly, rather than pretend.
                hopeless[item.id!] = "no connector carries it out yet"
                continue
            }
            if item.action == WebhookSubscriptions.action {
                guard webhooks != nil, let hook = payload["hook"].flatMap(Int.init), let body = payload["body"] else {
                    hopeless[item.id!] = "no webhook connector is set up"
                    continue
                }
                posts.append(WebhookPost(id: item.id!, key: item.idempotencyKey, hook: hook, body: body))
                continue
            }
            if item.action == .calendarBook {
                guard let appointment = Self.appointment(item, payload, origin: store.installID) else {
                    hopeless[item.id!] = "the booking has no valid start, end and attendee address"
                    continue
                }
                appointments.append(appointment)
                continue
            }
            guard isEmail else { continue }
            if let problem = Self.problem(withEmail: payload) {
                hopeless[item.id!] = problem
                continue
            }
            emails.append(Self.outgoing(item, payload, from: from, at: now, origin: store.installID))
        }
        async let mailed = send(emails)
        async let booked = book(appointments)
        async let posted = post(posts)
        let outcomes = await [mailed, booked, posted]
        for (id, outcome) in outcomes.joined() {
            switch outcome {
            case .delivered: break
            case .retry(let reason): failures[id] = reason
            case .dead(let reason): hopeless[id] = reason
            }
        }
        let (failed, dead) = (failures, hopeless)
        return try await store.database.write { [held, payloads] db in
            var sent = 0
            for var item in queued {
                if let rule = held[item.id!] {
                    try ApprovalRecord(
                        id: nil, caseID: item.caseID, agent: item.agent, action: item.action,
                        proposedJSON: item.payloadJSON,
                        reason:
                            "held at dispatch: the running blueprint asks \(rule.approver) to approve \(item.action)",
                        status: .pending, createdAt: now, approvedJSON: nil, decision: nil, decidedAt: nil
                    ).insert(db)
                    let approval = db.lastInsertedRowID
                    try settle(
                        &item, .held, "waits for approval #\(approval)", audit: .approval,
                        "\(item.action) held at dispatch, waits for \(rule.approver) (#\(approval))", db, at: now)
                    continue
                }
                item.attempts += 1
                if let reason = dead[item.id!] {
                    try settle(&item, .dead, reason, audit: .dead, "\(item.action): \(reason)", db, at: now)
                    continue
                }
                if let failure = failed[item.id!] {
                    item.lastError = failure
                    if item.attempts >= Self.maxAttempts {
                        item.status = .dead
                        try RuntimeStore.appendAudit(
                            db, at: now, caseID: item.caseID, agent: item.agent, kind: .dead,
                            detail: "\(item.action) after \(item.attempts) attempts: \(failure)")
                    } else {
                        item.nextAttemptAt = now.addingTimeInterval(Self.backoff(afterFailures: item.attempts))
                        try RuntimeStore.appendAudit(
                            db, at: now, caseID: item.caseID, agent: item.agent, kind: .retry,
                            detail: "\(item.action) attempt \(item.attempts) failed: \(failure)")
                    }
                    try item.update(db)
                    continue
                }
                if item.action == .transactionRecord {
                    let p = payloads[item.id!] ?? [:]
                    try db.execute(
                        sql:
                            "INSERT OR IGNORE INTO ledger (idempotency_key, vendor, amount, recorded_at) VALUES (?, ?, ?, ?)",
                        arguments: [item.idempotencyKey, p["vendor"] ?? "", p["amount"] ?? "", now])
                }
                if item.action == .calendarBook, let appointment = Self.appointment(item, payloads[item.id!] ?? [:]) {
                    // Busy in the built-in calendar at once, whatever calendar holds the meeting.
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO calendar_busy (starts_at, ends_at, source, booking_key, title)
                            VALUES (?, ?, 'booked', ?, ?)
                            """,
                        arguments: [appointment.start, appointment.end, appointment.key, appointment.title])
                }
                if item.action == .crmUpdate {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO crm_lead (case_id, score, updated_at) VALUES (?, ?, ?)",
                        arguments: [item.caseID, Int(payloads[item.id!]?["score"] ?? "0") ?? 0, now])
                }
                try db.cachedStatement(sql: "UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ? WHERE id = ?")
                    .execute(arguments: [item.attempts, now, item.id])
                try RuntimeStore.appendAudit(
                    db, at: now, caseID: item.caseID, agent: item.agent, kind: .sent,
                    detail: "\(item.action) \(item.idempotencyKey)")
                sent += 1
            }
            return sent
        }
    }

    /// The emails through the email connector (none: nothing to wait for).
    private func send(_ emails: [OutgoingEmail]) async -> [Int64: DeliveryOutcome] {
        emails.isEmpty ? [:] : await email.deliver(emails)
    }

    /// The bookings on the outside calendar; without one they live in the built-in calendar only.
    private func book(_ appointments: [Appointment]) async -> [Int64: DeliveryOutcome] {
        guard let calendar, !appointments.isEmpty else {
            return Dictionary(uniqueKeysWithValues: appointments.map { ($0.id, .delivered) })
        }
        return await calendar.book(appointments)
    }

    private func post(_ posts: [WebhookPost]) async -> [Int64: DeliveryOutcome] {
        guard let webhooks, !posts.isEmpty else { return [:] }
        return await webhooks.deliver(posts)
    }

    /// The meeting a `calendar.book` action asks for (`start` and `end` in ISO 8601), if valid.
    static func appointment(_ item: OutboxItem, _ payload: [String: String], origin: String = "") -> Appointment? {
        let iso = ISO8601DateFormatter()
        guard let start = payload["start"].flatMap(iso.date(from:)), let end = payload["end"].flatMap(iso.date(from:)),
            end > start, isAddress(payload["to"] ?? "")
        else { return nil }
        return Appointment(
            id: item.id!, key: item.idempotencyKey, start: start, end: end, title: payload["title"] ?? "Appointment",
            attendee: payload["to"] ?? "", attendeeName: payload["name"] ?? "", origin: origin)
    }

    /// Records what became of an item that was not sent, and audits it.
    private func settle(
        _ item: inout OutboxItem, _ status: OutboxItem.Status, _ error: String, audit kind: AuditKind, _ detail: String,
        _ db: Database, at now: Date
    ) throws {
        item.status = status
        item.lastError = error
        try item.update(db)
        try RuntimeStore.appendAudit(db, at: now, caseID: item.caseID, agent: item.agent, kind: kind, detail: detail)
    }

    static func outgoing(_ item: OutboxItem, _ payload: [String: String], from: String, at now: Date, origin: String)
        -> OutgoingEmail
    {
        OutgoingEmail(
            id: item.id!, key: item.idempotencyKey, from: from, to: payload["to"] ?? "",
            subject: payload["subject"] ?? "", text: payload["body"] ?? "", date: now, origin: origin)
    }

    /// Why the item's agent may no longer take its action under this blueprint, if it may not. The
    /// system's own items (the daily report, approval notices) belong to no agent.
    func revoked(_ item: OutboxItem) -> String? {
        guard item.agent != DailyReportJob.agentName, item.agent != ApprovalNotice.sender else { return nil }
        guard let agent = agents[item.agent] else { return "agent \(item.agent) is not in the running blueprint" }
        guard SkillCatalog.allows(agent.permissions, item.action) else {
            return "\(item.agent) may no longer take \(item.action) under the running blueprint"
        }
        return nil
    }

    /// The approval rule that now holds a queued action, if the running blueprint wants a person to
    /// approve it first (a rule added, or a high-stakes action) and no person has yet.
    func heldForApproval(_ item: OutboxItem, _ payload: [String: String]) throws -> ApprovalRule? {
        guard item.agent != DailyReportJob.agentName, item.agent != ApprovalNotice.sender,
            !item.idempotencyKey.hasPrefix("approval-"),
            let agent = agents[item.agent]
        else { return nil }
        let asksFirstContact = gate.blueprint.approvals.contains {
            $0.action == item.action && $0.when == .firstContact
        }
        let firstContact =
            try asksFirstContact && item.action == .emailSend
            && store.database.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM outbox WHERE case_id = ? AND action = ? AND id < ?
                        AND status IN ('queued', 'sent')
                        """, arguments: [item.caseID, ActionKind.emailSend, item.id]) ?? 0
            } == 0
        let action = ProposedAction(kind: item.action, payload: payload, reason: "")
        if case .needsApproval(let rule) = gate.decide(action, by: agent, firstContact: firstContact) { return rule }
        return nil
    }

    /// Why an email cannot be sent as given, if it cannot: a missing or malformed recipient, or a
    /// line break in a header (which would let a payload add headers of its own).
    static func problem(withEmail payload: [String: String]) -> String? {
        let to = payload["to"] ?? ""
        let subject = payload["subject"] ?? ""
        if to.contains(where: \.isNewline) || subject.contains(where: \.isNewline) {
            return "a header contains a line break"
        }
        return isAddress(to) ? nil : to.isEmpty ? "no recipient address" : "'\(to)' is not an email address"
    }

    /// `local@domain.tld`: one `@`, no spaces or `<>,;"`, a dot inside the domain.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count >= 3,
            !text.contains(where: { $0.isWhitespace || "<>,;\"".contains($0) })
        else { return false }
        return parts[1].dropFirst().dropLast().contains(".")
    }
}
