import Blueprint
import Foundation

/// What every agent did on one day (midnight to midnight in the business's time zone), or in one
/// week (Monday to Monday midnight, the weekly report): tasks, actions taken, decisions escalated
/// and their outcomes, edge cases, and the KPIs against their baselines and targets. Templates in
/// `templates/` render it as Markdown and HTML; ``markdown`` is the built-in plain rendering.
public struct DailyReport: Sendable, Encodable {
    /// The stretch of time a report covers: the daily report's day or the weekly report's week.
    public enum Span: String, Sendable, Encodable {
        case day, week

        /// "Daily report", "Weekly report".
        public var title: String { self == .day ? "Daily report" : "Weekly report" }
        /// How its files and emails are named: `daily-2026-03-02.md`, `weekly-2026-03-02.md`.
        public var prefix: String { self == .day ? "daily" : "weekly" }
        /// How a line says the period: "today", "this week".
        var this: String { self == .day ? "today" : "this week" }
    }

    public struct AgentDay: Sendable, Encodable {
        public let id: String
        public let tasks: Int
        public let actions: Int
        public let escalated: Int
        public let approved: Int
        public let rejected: Int
        public let overridden: Int
        /// Errors, refusals, low confidence and dead letters, each in a line.
        public let edgeCases: [String]
    }

    public let span: Span
    public let business: String
    public let timeZone: String
    /// "Monday 2 March 2026"; a week's "Monday 2 March to Sunday 8 March 2026".
    public let day: String
    /// `2026-03-02` (a week's Monday), for file names.
    public let isoDay: String
    /// What its files are called, without the extension: `daily-2026-03-02`, `weekly-2026-03-02`.
    public var fileName: String { "\(span.prefix)-\(isoDay)" }
    /// The period: "midnight to midnight", or "from Monday 2 March 17:30 to Tuesday 3 March 17:30".
    public let covers: String
    public let agents: [AgentDay]
    public let kpis: KPIs
    /// Each KPI of the blueprint against its baseline and target, one line each.
    public let progress: [String]
    /// Events moved to the dead letters in the period (processing failed every try), one line each:
    /// the case, the event, the error and how to put it back.
    public let deadLetters: [String]
    /// The leads that came in the period and what became of each.
    public let leads: LeadsDay
    /// The invoices: owed now, chased and settled in the period.
    public let books: BooksDay
    /// Actions the agents' hourly limits deferred, one line per agent: how many in the period, and
    /// those still waiting with the times they go.
    public let deferred: [String]

    /// Gathers the day that contains `day`, midnight to midnight.
    package init(_ store: any RuntimeStorage, blueprint: Blueprint, day: Date) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let start = calendar.startOfDay(for: day)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86400)
        try await self.init(store, blueprint: blueprint, from: start, to: end, covers: "midnight to midnight")
    }

    /// Gathers the week (Monday midnight to the next Monday's, in the business's time zone) that
    /// contains `date`: the weekly report.
    package init(_ store: any RuntimeStorage, blueprint: Blueprint, week date: Date) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let day = calendar.startOfDay(for: date)
        // Days back to Monday: weekday 2 is Monday, 1 is Sunday.
        let back = (calendar.component(.weekday, from: day) + 5) % 7
        let start = calendar.date(byAdding: .day, value: -back, to: day) ?? day
        let end = calendar.date(byAdding: .day, value: 7, to: start) ?? start.addingTimeInterval(7 * 86400)
        try await self.init(
            store, blueprint: blueprint, from: start, to: end, covers: "Monday midnight to Monday midnight",
            span: .week)
    }

    /// Gathers what happened from `start` up to `end`, named after the day `end` falls on: the
    /// scheduled report covers the time since the previous one, so the evening is not lost.
    package init(_ store: any RuntimeStorage, blueprint: Blueprint, since start: Date, until end: Date) async throws {
        let formatter = Self.formatter(blueprint.business.timeZone, "EEEE d MMMM HH:mm")
        try await self.init(
            store, blueprint: blueprint, from: start, to: end,
            covers: "from \(formatter.string(from: start)) to \(formatter.string(from: end))")
    }

    private init(
        _ store: any RuntimeStorage, blueprint: Blueprint, from start: Date, to end: Date, covers: String,
        span: Span = .day
    ) async throws {
        // The period's audit lines counted by agent and kind, and only the edge cases' lines read
        // whole, so the cost is the period's work, not the log's length.
        var counts: [String: [AuditKind: Int]] = [:]
        for row in try await store.auditCounts(from: start, to: end) {
            guard let agent = row.agent else { continue }
            counts[agent, default: [:]][row.kind] = row.count
        }
        let edges = try await store.auditLines(from: start, to: end, kinds: AuditKind.edgeCases).map {
            (agent: $0.agent, line: "\($0.kind.rawValue): \($0.detail)")
        }
        self.span = span
        business = blueprint.business.name
        timeZone = blueprint.business.timeZone
        self.covers = covers
        // The day the period ends in (a minute before, so a period ending at midnight is that day's);
        // a week is named by its days and filed under its Monday.
        let last = end.addingTimeInterval(-60)
        let named = Self.formatter(timeZone, "EEEE d MMMM yyyy").string(from: last)
        switch span {
        case .day:
            day = named
            isoDay = Self.formatter(timeZone, "yyyy-MM-dd").string(from: last)
        case .week:
            day = "\(Self.formatter(timeZone, "EEEE d MMMM").string(from: start)) to \(named)"
            isoDay = Self.formatter(timeZone, "yyyy-MM-dd").string(from: start)
        }
        let ledger = try await store.leadLedger(from: start, to: end)
        let leads = LeadsDay(ledger, blueprint: blueprint, now: store.clock())
        self.leads = leads
        agents = blueprint.agents.map { agent in
            func count(_ kind: AuditKind) -> Int { counts[agent.id]?[kind] ?? 0 }
            return AgentDay(
                id: agent.id, tasks: count(.skill), actions: count(.sent), escalated: count(.approval),
                approved: count(.approved),
                rejected: count(.rejected), overridden: count(.overridden),
                edgeCases: edges.filter { $0.agent == agent.id }.map(\.line)
                    // A lead left without a reply is the edge case of the agent that takes leads in.
                    + (agent.consumes.contains("lead.received") ? leads.edgeCases.map { "unanswered: \($0)" } : []))
        }
        kpis = try await KPIs.measure(store, blueprint: blueprint, from: start, to: end, leads: ledger)
        progress = Self.progressLines(kpis, blueprint: blueprint, span: span)
        books = try await BooksDay(store, blueprint: blueprint, from: start, to: end)
        deferred = try await Self.deferredLines(store, blueprint: blueprint, counts: counts)
        deadLetters = try await store.deadLetters(from: start, to: end).reversed().map { event in
            "\(event.caseID): \(event.type) #\(event.id!) failed \(event.attempts) times: \(event.lastError ?? "no error kept") (`baton event retry \(event.id!)`)"
        }
    }

    /// The report as plain Markdown, without templates.
    public var markdown: String {
        var lines = ["# \(span.title): \(business)", "", "\(day) (\(timeZone)), \(covers)", ""]
        for agent in agents {
            lines.append("## \(agent.id)")
            lines.append("- tasks processed: \(agent.tasks)")
            lines.append("- actions taken: \(agent.actions)")
            lines.append(
                "- escalated to a person: \(agent.escalated) (approved \(agent.approved), rejected \(agent.rejected), overridden \(agent.overridden))"
            )
            lines.append("- edge cases: \(agent.edgeCases.isEmpty ? "none" : agent.edgeCases.joined(separator: "; "))")
            lines.append("")
        }
        lines += leads.markdown + [""]
        lines.append("## KPIs")
        lines.append(
            "- leads answered: \(kpis.leadsAnswered); first response p50 \(Self.minutes(kpis.firstResponseP50Minutes)), p90 \(Self.minutes(kpis.firstResponseP90Minutes))"
        )
        if let baseline = kpis.baselineMinutes, let target = kpis.targetMinutes {
            lines.append("- baseline \(Int(baseline)) min, target \(Int(target)) min")
        }
        if kpis.inquiriesReceived > 0 {
            lines.append(
                "- customer inquiries answered: \(kpis.inquiriesAnswered) of \(kpis.inquiriesReceived); first answer p50 \(Self.minutes(kpis.inquiryFirstAnswerP50Minutes)), p90 \(Self.minutes(kpis.inquiryFirstAnswerP90Minutes))"
            )
        }
        lines.append("- escalations: \(kpis.escalations); refusals: \(kpis.denials)")
        lines += progress.map { "- \($0)" }
        lines.append("")
        lines.append("## Deferred by hourly limits")
        if deferred.isEmpty { lines.append("- none") }
        for line in deferred { lines.append("- \(line)") }
        lines.append("")
        lines += books.markdown + [""]
        lines.append("## Dead letters")
        if deadLetters.isEmpty { lines.append("- none") }
        for line in deadLetters { lines.append("- \(line)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The values the daily-report templates (`templates/daily-report.*.mustache`) render: plain
    /// strings, booleans, lists and maps, so that the report renderer needs nothing of the runtime.
    public var templateValues: [String: Any] {
        [
            "title": span.title, "business": business, "day": day, "covers": covers, "time_zone": timeZone,
            "agents": agents.map { a -> [String: Any] in
                [
                    "id": a.id, "tasks": "\(a.tasks)", "actions": "\(a.actions)", "escalated": "\(a.escalated)",
                    "approved": "\(a.approved)", "rejected": "\(a.rejected)", "overridden": "\(a.overridden)",
                    "edge_cases": a.edgeCases, "has_edge_cases": !a.edgeCases.isEmpty,
                ]
            },
            "kpis": [
                "leads_answered": "\(kpis.leadsAnswered)", "p50": Self.minutes(kpis.firstResponseP50Minutes),
                "p90": Self.minutes(kpis.firstResponseP90Minutes), "has_target": kpis.targetMinutes != nil,
                "baseline": kpis.baselineMinutes.map { "\(Int($0)) min" } ?? "",
                "target": kpis.targetMinutes.map { "\(Int($0)) min" } ?? "",
                "escalations": "\(kpis.escalations)", "denials": "\(kpis.denials)",
                "has_inquiries": kpis.inquiriesReceived > 0, "inquiries_received": "\(kpis.inquiriesReceived)",
                "inquiries_answered": "\(kpis.inquiriesAnswered)",
                "inquiry_p50": Self.minutes(kpis.inquiryFirstAnswerP50Minutes),
                "inquiry_p90": Self.minutes(kpis.inquiryFirstAnswerP90Minutes),
                "progress": progress, "has_progress": !progress.isEmpty,
            ],
            "dead_letters": deadLetters, "has_dead_letters": !deadLetters.isEmpty,
            "leads": leads.templateValues,
            "books": books.templateValues,
            "deferred": deferred, "has_deferred": !deferred.isEmpty,
        ]
    }

    private static func formatter(_ zone: String, _ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone) ?? .gmt
        formatter.dateFormat = format
        return formatter
    }

    /// "3.5 min", or "no replies yet".
    /// A response time as people say it: seconds under a minute, else minutes.
    public static func minutes(_ value: Double?) -> String {
        guard let value else { return "no replies yet" }
        return value < 1 ? String(format: "%.0f s", value * 60) : String(format: "%.1f min", value)
    }

    /// The plain Markdown of the day that contains `day`.
    package static func markdown(_ store: any RuntimeStorage, blueprint: Blueprint, day: Date) async throws -> String {
        try await DailyReport(store, blueprint: blueprint, day: day).markdown
    }
}
