import Blueprint
import Foundation
import Mail

/// Runs queued actions through their connectors, at most once per idempotency key: an email goes
/// to the email connector (the `.eml` folder by default, or SMTP), a CRM update is an upsert in the
/// built-in CRM. A crash between the effect and its record is repaired on the next run: the `.eml`
/// folder finds the file already there, an SMTP server sees the same Message-ID again. Each action
/// is checked again against the blueprint it runs under: what an agent may no longer do is not done.
public struct Dispatcher: Sendable {
    let store: any RuntimeStorage
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

    package init(
        store: any RuntimeStorage, blueprint: Blueprint, email: EmailConnector, calendar: CalendarConnector? = nil,
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
    package init(store: any RuntimeStorage, blueprint: Blueprint, emailFolder: String, from: String) {
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
    ///   lanes side by side, and queues deferred actions when their time comes); every queued action
    ///   when nil, after queueing the deferred actions whose time has come.
    @discardableResult
    public func dispatch(limit: Int = 512, lane: DispatchLane? = nil) async throws -> Int {
        let now = store.clock()
        if lane == nil { try await store.releaseDeferred(at: now) }
        let queued = try await store.dueActions(limit: limit, lane: lane, at: now)
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
            if let rule = try await heldForApproval(item, payload) {
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
                guard let appointment = Self.appointment(item, payload, now: now, origin: store.installID) else {
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
        return try await store.transaction { [held, payloads] tx in
            var sent = 0
            for var item in queued {
                if let rule = held[item.id!] {
                    let approval = try tx.insertApproval(
                        ApprovalRecord(
                            id: nil, caseID: item.caseID, agent: item.agent, action: item.action,
                            proposedJSON: item.payloadJSON,
                            reason:
                                "held at dispatch: the running blueprint asks \(rule.approver) to approve \(item.action)",
                            status: .pending, createdAt: now, approvedJSON: nil, decision: nil, decidedAt: nil))
                    try settle(
                        &item, .held, "waits for approval #\(approval)", audit: .approval,
                        "\(item.action) held at dispatch, waits for \(rule.approver) (#\(approval))", tx, at: now)
                    continue
                }
                item.attempts += 1
                if let reason = dead[item.id!] {
                    try settle(&item, .dead, reason, audit: .dead, "\(item.action): \(reason)", tx, at: now)
                    continue
                }
                if let failure = failed[item.id!] {
                    item.lastError = failure
                    if item.attempts >= Self.maxAttempts {
                        item.status = .dead
                        try tx.appendAudit(
                            at: now, caseID: item.caseID, agent: item.agent, kind: .dead,
                            detail: "\(item.action) after \(item.attempts) attempts: \(failure)")
                    } else {
                        item.nextAttemptAt = now.addingTimeInterval(Self.backoff(afterFailures: item.attempts))
                        try tx.appendAudit(
                            at: now, caseID: item.caseID, agent: item.agent, kind: .retry,
                            detail: "\(item.action) attempt \(item.attempts) failed: \(failure)")
                    }
                    try tx.updateOutboxItem(item)
                    continue
                }
                if item.action == .transactionRecord {
                    let p = payloads[item.id!] ?? [:]
                    try tx.recordLedger(key: item.idempotencyKey, vendor: p["vendor"] ?? "", amount: p["amount"] ?? "", at: now)
                }
                if item.action == .calendarBook, let appointment = Self.appointment(item, payloads[item.id!] ?? [:], now: now) {
                    // Busy in the built-in calendar at once, whatever calendar holds the meeting.
                    try tx.addBooking(appointment)
                }
                if item.action == .crmUpdate {
                    try tx.setCRMScore(caseID: item.caseID, score: Int(payloads[item.id!]?["score"] ?? "0") ?? 0, at: now)
                }
                try tx.markSent(item.id!, attempts: item.attempts, at: now)
                try tx.appendAudit(
                    at: now, caseID: item.caseID, agent: item.agent, kind: .sent,
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

    /// The meeting a `calendar.book` action asks for (`start` and `end` in ISO 8601, inside the
    /// window around `now`, the runtime's clock), if valid.
    /// Times out of ``AcceptedTime``'s window (an approver's edit to the year 9999) make it invalid.
    static func appointment(_ item: OutboxItem, _ payload: [String: String], now: Date, origin: String = "")
        -> Appointment?
    {
        let time = { (text: String?) in try? AcceptedTime.parse(text ?? "", now: now).get() }
        guard let start = time(payload["start"]), let end = time(payload["end"]),
            end > start, isAddress(payload["to"] ?? "")
        else { return nil }
        return Appointment(
            id: item.id!, key: item.idempotencyKey, start: start, end: end, title: payload["title"] ?? "Appointment",
            attendee: payload["to"] ?? "", attendeeName: payload["name"] ?? "", origin: origin)
    }

    /// Records what became of an item that was not sent, and audits it.
    private func settle(
        _ item: inout OutboxItem, _ status: OutboxItem.Status, _ error: String, audit kind: AuditKind, _ detail: String,
        _ tx: any RuntimeTransaction, at now: Date
    ) throws {
        item.status = status
        item.lastError = error
        try tx.updateOutboxItem(item)
        try tx.appendAudit(at: now, caseID: item.caseID, agent: item.agent, kind: kind, detail: detail)
    }

    static func outgoing(_ item: OutboxItem, _ payload: [String: String], from: String, at now: Date, origin: String)
        -> OutgoingEmail
    {
        OutgoingEmail(
            id: item.id!, key: item.idempotencyKey, from: from, to: payload["to"] ?? "",
            subject: payload["subject"] ?? "", text: payload["body"] ?? "", date: now, origin: origin,
            attachments: invitation(payload, from: from, now: now, origin: origin).map { [$0.attachment] } ?? [])
    }

    /// The meeting a booking's confirmation carries as `invite.ics` (`invite_start`, `invite_end`
    /// inside the window around `now`, `invite_title`, `invite_uid`), if it names a valid one.
    static func invitation(_ payload: [String: String], from: String, now: Date, origin: String)
        -> CalendarInvitation?
    {
        let time = { (text: String?) in try? AcceptedTime.parse(text ?? "", now: now).get() }
        guard let start = time(payload["invite_start"]), let end = time(payload["invite_end"]), end > start else {
            return nil
        }
        let uid = payload["invite_uid"] ?? "booking"
        return CalendarInvitation(
            uid: origin.isEmpty ? uid : "\(uid).\(origin)", start: start, end: end,
            summary: payload["invite_title"] ?? "Appointment", attendee: payload["to"] ?? "",
            attendeeName: payload["name"] ?? "", organizer: from, method: "REQUEST")
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
    func heldForApproval(_ item: OutboxItem, _ payload: [String: String]) async throws -> ApprovalRule? {
        guard item.agent != DailyReportJob.agentName, item.agent != ApprovalNotice.sender,
            !item.idempotencyKey.hasPrefix("approval-"),
            let agent = agents[item.agent]
        else { return nil }
        let asksFirstContact = gate.blueprint.approvals.contains {
            $0.action == item.action && $0.when == .firstContact
        }
        var firstContact = false
        if asksFirstContact && item.action == .emailSend {
            firstContact = try await store.emailsBefore(item.id!, caseID: item.caseID) == 0
        }
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
