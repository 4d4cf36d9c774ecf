import Diagnostics
import Foundation
import Yams

/// Checks a blueprint beyond its shape: skills and scopes, events and handoffs, approvals for
/// high-stakes actions, connectors and secrets, time zones and times. Every problem carries its
/// position in the file and a hint.
public struct BlueprintValidator {
    let blueprint: Blueprint
    let root: Node?
    let file: String

    /// - Parameter root: the YAML node tree the blueprint was read from, for positions.
    public init(_ blueprint: Blueprint, root: Node?, file: String) {
        self.blueprint = blueprint
        self.root = root
        self.file = file
    }

    static let connectorKinds = [
        "email": ["eml_folder", "smtp"], "calendar": ["builtin", "ics", "caldav"], "crm": ["builtin", "csv"],
        "forms": ["intake_api"], "inbox": ["maildir", "imap"],
    ]
    static let secretWords = [
        "password", "pass", "pwd", "secret", "token", "api_key", "apikey", "credential", "private_key",
    ]

    /// Every text value in a settings tree, with its path and the key that holds it.
    static func strings(in settings: [String: SettingValue], at path: [String]) -> [(
        path: [String], key: String, value: String
    )] {
        var found: [(path: [String], key: String, value: String)] = []
        func walk(_ value: SettingValue, key: String, path: [String]) {
            switch value {
            case .string(let s): found.append((path, key, s))
            case .list(let items): for (i, item) in items.enumerated() { walk(item, key: key, path: path + ["\(i)"]) }
            case .map(let pairs): for k in pairs.keys.sorted() { walk(pairs[k]!, key: k, path: path + [k]) }
            default: break
            }
        }
        for key in settings.keys.sorted() { walk(settings[key]!, key: key, path: path + [key]) }
        return found
    }

    /// A value under a key that names a secret, which is not a `${env:NAME}` reference.
    static func isLiteralSecret(_ key: String, _ value: String) -> Bool {
        let lowered = key.lowercased()
        guard secretWords.contains(where: { lowered.contains($0) }) else { return false }
        return value.range(of: #"^\$\{env:[A-Z_][A-Z0-9_]*\}$"#, options: .regularExpression) == nil
    }
    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public func issues() -> [PackIssue] {
        var found: [PackIssue] = []
        func at(_ path: [String]) -> SourceLocation {
            root.map { ParameterFile.location(of: path, in: $0, file: file) }
                ?? SourceLocation(file: file, line: 1, column: 1)
        }
        func error(_ path: [String], _ message: String, hint: String) {
            found.append(PackIssue(.error, at: at(path), "\(message); hint: \(hint)"))
        }
        func warning(_ path: [String], _ message: String, hint: String) {
            found.append(PackIssue(.warning, at: at(path), "\(message); hint: \(hint)"))
        }
        let b = blueprint
        if b.apiVersion != Blueprint.currentAPIVersion {
            error(
                ["apiVersion"], "unknown apiVersion '\(b.apiVersion)'",
                hint: "this Baton reads \(Blueprint.currentAPIVersion)")
        }
        if b.kind != Blueprint.kindName {
            error(["kind"], "unknown kind '\(b.kind)'", hint: "use \(Blueprint.kindName)")
        }
        if TimeZone(identifier: b.business.timeZone) == nil {
            let known = TimeZone.knownTimeZoneIdentifiers
            error(
                ["business", "time_zone"], "time zone '\(b.business.timeZone)' does not exist",
                hint: "use an IANA name such as America/Toronto\(Spelling.hint(for: b.business.timeZone, in: known))")
        }
        for (i, day) in b.business.workingHours.days.enumerated() where !Self.days.contains(day) {
            error(
                ["business", "working_hours", "days", "\(i)"], "'\(day)' is not a day",
                hint: "days are \(Self.days.joined(separator: ", "))")
        }
        for key in ["start", "end"] {
            let value = key == "start" ? b.business.workingHours.start : b.business.workingHours.end
            if !Self.isTime(value) {
                error(["business", "working_hours", key], "'\(value)' is not a time", hint: "write HH:MM, 24-hour")
            }
        }

        for key in ["services", "service_area"] {
            let list = (key == "services" ? b.business.services : b.business.serviceArea) ?? []
            var seen: Set<String> = []
            for (i, item) in list.enumerated() {
                let word = item.trimmingCharacters(in: .whitespaces).lowercased()
                if word.isEmpty {
                    error(["business", key, "\(i)"], "an empty entry in \(key)", hint: "remove it")
                } else if !seen.insert(word).inserted {
                    warning(["business", key, "\(i)"], "'\(item)' is in \(key) twice", hint: "remove one")
                }
            }
        }

        // Agents: skills, scopes, limits.
        if b.agents.isEmpty {
            error(
                ["agents"], "the blueprint has no agents, so it would run and do nothing",
                hint: "add an agent, or measure a workflow first and plan again with `baton blueprint ID`")
        }
        var ids: Set<String> = []
        let skillNames = SkillCatalog.skills.map(\.name)
        for (i, agent) in b.agents.enumerated() {
            let path = ["agents", "\(i)"]
            if !ids.insert(agent.id).inserted {
                error(path + ["id"], "duplicate agent id '\(agent.id)'", hint: "give each agent its own id")
            }
            guard let skill = SkillCatalog.skill(agent.skill) else {
                error(
                    path + ["skill"],
                    "unknown skill '\(agent.skill)'\(Spelling.hint(for: agent.skill, in: skillNames))",
                    hint: "skills: \(skillNames.joined(separator: ", "))")
                continue
            }
            for (j, scope) in agent.permissions.enumerated() {
                if scope == "*" || scope.hasSuffix("*") {
                    error(
                        path + ["permissions", "\(j)"], "permission '\(scope)' is a wildcard",
                        hint: "list explicit scopes, e.g. \(skill.scopes.prefix(2).joined(separator: ", "))")
                } else if !SkillCatalog.scopes.contains(scope) {
                    error(
                        path + ["permissions", "\(j)"],
                        "unknown scope '\(scope)'\(Spelling.hint(for: scope, in: SkillCatalog.scopes))",
                        hint: "scopes look like crm.read or crm.write:lead_score")
                } else if !skill.scopes.contains(scope) {
                    warning(
                        path + ["permissions", "\(j)"],
                        "agent '\(agent.id)' has '\(scope)', which its skill \(skill.name) never uses",
                        hint: "remove it: least privilege")
                }
            }
            if skill.name == "lead_qualification", let weakFit = agent.settings["weak_fit"],
                !["ask", "wait_for_person"].contains(weakFit.string ?? "")
            {
                error(
                    path + ["settings", "weak_fit"], "weak_fit must be 'ask' or 'wait_for_person'",
                    hint: "ask: the lead gets a reply asking the one question that would qualify it; "
                        + "wait_for_person: that reply waits for a person's approval")
            }
            if !(1...10_000).contains(agent.limits.actionsPerHour) {
                error(
                    path + ["limits", "actions_per_hour"], "actions_per_hour must be 1 to 10,000",
                    hint: "a sensible limit stops a runaway agent")
            }
            if let expected = agent.limits.expectedPerWeek {
                if expected < 0 {
                    error(
                        path + ["limits", "expected_per_week"], "expected_per_week cannot be negative",
                        hint: "the items of work the agent handles a week, or leave it out")
                } else if let hours = b.business.workingHours.hoursPerWeek {
                    // Compared as the message rounds it: "about 30 an hour" is never "more than 30".
                    let perHour = (Double(expected) / hours * Double(agent.actionsPerItem)).rounded()
                    if perHour > Double(agent.limits.actionsPerHour) {
                        let each = agent.actionsPerItem
                        let sized = Limits.sized(
                            expectedPerWeek: Double(expected), hoursPerWeek: hours, actionsPerItem: each,
                            floor: agent.limits.actionsPerHour)
                        warning(
                            path + ["limits", "actions_per_hour"],
                            "agent '\(agent.id)' expects \(Self.grouped(expected)) items a week, about \(Self.grouped(Int(perHour))) actions an hour over \(Self.grouped(Int(hours.rounded()))) working hours (\(each) an item), more than its limit of \(Self.grouped(agent.limits.actionsPerHour)) an hour",
                            hint:
                                "raise limits.actions_per_hour to \(Self.grouped(sized)) (\(Int(Limits.burstFactor))× the average, for bursts); beyond the limit actions are deferred to the next hours"
                        )
                    }
                }
            }
            // High-stakes actions this agent could take need an approval rule.
            for action in skill.actions where action.isHighStakes {
                guard SkillCatalog.allows(agent.permissions, action) else { continue }
                if !b.approvals.contains(where: { $0.action == action }) {
                    error(
                        path + ["permissions"],
                        "agent '\(agent.id)' can take the high-stakes action '\(action)' and no approval rule covers it",
                        hint:
                            "add to approvals: {action: \(action), when: always, approver: owner, timeout: {after: 24h, then: escalate}}"
                    )
                }
            }
        }

        // Events: who emits what, who consumes what, who is reached.
        let external = Set(b.intake)
        var emitted: [String: [String]] = [:]
        for agent in b.agents { for e in agent.emits { emitted[e, default: []].append(agent.id) } }
        // Reached: consumes an event from intake or a clock (schedule.*), or from a reached agent.
        var reachedAgents: Set<String> = []
        var changed = true
        while changed {
            changed = false
            for agent in b.agents where !reachedAgents.contains(agent.id) {
                let reached = agent.consumes.contains { event in
                    external.contains(event) || event.hasPrefix("schedule.")
                        || b.agents.contains {
                            $0.id != agent.id && reachedAgents.contains($0.id) && $0.emits.contains(event)
                        }
                }
                if reached {
                    reachedAgents.insert(agent.id)
                    changed = true
                }
            }
        }
        for (i, agent) in b.agents.enumerated() {
            var missing = false
            for (j, event) in agent.consumes.enumerated()
            where !external.contains(event) && !event.hasPrefix("schedule.") && emitted[event] == nil {
                missing = true
                error(
                    ["agents", "\(i)", "consumes", "\(j)"],
                    "agent '\(agent.id)' consumes '\(event)', which nobody emits",
                    hint: "emit it from an agent or list it under intake")
            }
            if !missing && !reachedAgents.contains(agent.id) {
                error(
                    ["agents", "\(i)", "id"], "agent '\(agent.id)' is never reached",
                    hint: "give it an event from intake, a schedule or a reached agent")
            }
        }
        for (i, event) in b.intake.enumerated() where !b.agents.contains(where: { $0.consumes.contains(event) }) {
            warning(
                ["intake", "\(i)"], "intake event '\(event)' is consumed by no agent",
                hint: "remove it or route it to an agent")
        }

        // Handoffs.
        let agentIds = b.agents.map(\.id)
        for (i, h) in b.handoffs.enumerated() {
            let path = ["handoffs", "\(i)"]
            guard let from = b.agents.first(where: { $0.id == h.from }) else {
                error(
                    path + ["from"], "unknown agent '\(h.from)'\(Spelling.hint(for: h.from, in: agentIds))",
                    hint: "agents: \(agentIds.joined(separator: ", "))")
                continue
            }
            guard let to = b.agents.first(where: { $0.id == h.to }) else {
                error(
                    path + ["to"], "unknown agent '\(h.to)'\(Spelling.hint(for: h.to, in: agentIds))",
                    hint: "agents: \(agentIds.joined(separator: ", "))")
                continue
            }
            if !from.emits.contains(h.event) {
                error(
                    path + ["event"], "'\(h.from)' does not emit '\(h.event)'",
                    hint: "add it to \(h.from).emits or fix the event name")
            }
            if !to.consumes.contains(h.event) {
                error(
                    path + ["event"], "'\(h.to)' does not consume '\(h.event)'",
                    hint: "add it to \(h.to).consumes or fix the event name")
            }
        }
        if let cycle = cycleWithoutExit() {
            let path = cycle.handoff.map { ["handoffs", "\($0)"] } ?? ["agents", "\(cycle.agentIndex)", "emits"]
            error(
                path, "agents \(cycle.agents.joined(separator: " → ")) hand events round in a loop with no way out",
                hint: "let one agent in the loop emit an event that leaves it, or break the loop")
        }

        // Approvals.
        for (i, rule) in b.approvals.enumerated() {
            let path = ["approvals", "\(i)"]
            if !rule.action.isKnown {
                let known = ActionKind.known.map(\.rawValue)
                error(
                    path + ["action"],
                    "unknown action '\(rule.action)'\(Spelling.hint(for: rule.action.rawValue, in: known))",
                    hint: "actions: \(known.joined(separator: ", "))")
            }
            if case .unknown(let text) = rule.when {
                let known = ApprovalCondition.known.map(\.rawValue)
                error(
                    path + ["when"],
                    text.trimmingCharacters(in: .whitespaces).isEmpty
                        ? "the condition is empty"
                        : "unknown condition '\(text)'\(Spelling.hint(for: text, in: known))",
                    hint: "conditions: \(known.joined(separator: ", "))")
            }
            if rule.approver.trimmingCharacters(in: .whitespaces).isEmpty {
                error(path + ["approver"], "nobody approves", hint: "owner, staff or an email address")
            }
            if rule.timeout.after.seconds == nil {
                error(
                    path + ["timeout", "after"], "'\(rule.timeout.after)' is not a duration",
                    hint: "e.g. 30 min, 4h, 2 days")
            }
            if rule.timeout.then.rawValue == "approve" {
                error(
                    path + ["timeout", "then"], "a timeout may not approve",
                    hint: "silence is not consent: use reject, escalate or remind")
            } else if !TimeoutOutcome.known.contains(rule.timeout.then) {
                error(
                    path + ["timeout", "then"], "unknown timeout outcome '\(rule.timeout.then)'",
                    hint: "reject, escalate or remind")
            }
            if let to = rule.timeout.to, to.trimmingCharacters(in: .whitespaces).isEmpty {
                error(path + ["timeout", "to"], "nobody to escalate to", hint: "owner, staff or an email address")
            }
        }

        // Connectors and secrets.
        let connectors: [(String, Connector)] = [
            ("email", b.connectors.email), ("calendar", b.connectors.calendar), ("crm", b.connectors.crm),
            ("forms", b.connectors.forms),
        ] + (b.connectors.inbox.map { [("inbox", $0)] } ?? [])
        for (name, connector) in connectors {
            let kinds = Self.connectorKinds[name] ?? []
            if !kinds.contains(connector.kind) {
                error(
                    ["connectors", name, "kind"], "unknown \(name) connector '\(connector.kind)'",
                    hint: "kinds: \(kinds.joined(separator: ", "))")
            }
            if name == "inbox" && connector.kind == "imap" {
                for problem in Self.imapProblems(connector.settings) {
                    error(["connectors", name, "settings", problem.key], problem.message, hint: problem.hint)
                }
            }
            for (path, key, value) in Self.strings(in: connector.settings, at: ["connectors", name, "settings"])
            where Self.isLiteralSecret(key, value) {
                error(
                    path, "'\(key)' holds a literal secret",
                    hint: "reference an environment variable instead: ${env:\(name.uppercased())_\(key.uppercased())}")
            }
        }
        for (i, agent) in b.agents.enumerated() {
            for (path, key, value) in Self.strings(in: agent.settings, at: ["agents", "\(i)", "settings"])
            where Self.isLiteralSecret(key, value) {
                error(
                    path, "'\(key)' holds a literal secret",
                    hint: "reference an environment variable instead: ${env:\(key.uppercased())}")
            }
        }
        let report = b.schedules.dailyReport
        if !Self.isTime(report.time) {
            error(
                ["schedules", "daily_report", "time"], "'\(report.time)' is not a time", hint: "write HH:MM, 24-hour")
        }
        if report.recipients.isEmpty {
            error(
                ["schedules", "daily_report", "recipients"], "the daily report has no recipients",
                hint: "add owner or an email address")
        }
        for (i, agent) in b.agents.enumerated() where agent.skill == "invoice_reminders" {
            for problem in InvoiceReminders.problems(in: agent.settings) {
                error(["agents", "\(i)", "settings", problem.key], problem.message, hint: problem.hint)
            }
        }
        var kpiIds: Set<String> = []
        for (i, kpi) in b.kpis.enumerated() where !kpiIds.insert(kpi.id).inserted {
            error(["kpis", "\(i)", "id"], "duplicate KPI id '\(kpi.id)'", hint: "give each KPI its own id")
        }
        for problem in Self.provenanceProblems(b) { error(problem.path, problem.message, hint: problem.hint) }
        return found.sorted { $0.location < $1.location }
    }

    /// A loop of agents, linked by the events they emit and consume, from which no event leaves:
    /// its agents, the first handoff inside it (if any) and the index of its first agent.
    private func cycleWithoutExit() -> (agents: [String], handoff: Int?, agentIndex: Int)? {
        let b = blueprint
        func next(_ id: String) -> [String] {
            guard let agent = b.agents.first(where: { $0.id == id }) else { return [] }
            return b.agents.filter { other in agent.emits.contains { other.consumes.contains($0) } }.map(\.id)
        }
        // Strongly connected components (Tarjan), in a deterministic order.
        var index = 0
        var indices: [String: Int] = [:]
        var lowlink: [String: Int] = [:]
        var stack: [String] = []
        var onStack: Set<String> = []
        var components: [[String]] = []
        func connect(_ v: String) {
            indices[v] = index
            lowlink[v] = index
            index += 1
            stack.append(v)
            onStack.insert(v)
            for w in next(v) {
                if indices[w] == nil {
                    connect(w)
                    lowlink[v] = min(lowlink[v]!, lowlink[w]!)
                } else if onStack.contains(w) {
                    lowlink[v] = min(lowlink[v]!, indices[w]!)
                }
            }
            if lowlink[v] == indices[v] {
                var component: [String] = []
                while let w = stack.popLast() {
                    onStack.remove(w)
                    component.append(w)
                    if w == v { break }
                }
                components.append(component)
            }
        }
        for agent in b.agents where indices[agent.id] == nil { connect(agent.id) }
        for component in components {
            let members = Set(component)
            let isLoop = component.count > 1 || next(component[0]).contains(component[0])
            guard isLoop else { continue }
            let inside = b.agents.filter { members.contains($0.id) }
            let exits = inside.contains { agent in
                agent.emits.contains { event in !inside.contains { $0.consumes.contains(event) } }
            }
            if !exits {
                let ordered = b.agents.map(\.id).filter(members.contains)
                let handoff = b.handoffs.firstIndex { members.contains($0.from) && members.contains($0.to) }
                let first = b.agents.firstIndex { $0.id == ordered[0] } ?? 0
                return (ordered + [ordered[0]], handoff, first)
            }
        }
        return nil
    }

    /// `10000` as `10,000`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(abs(n)))
        var out = n < 0 ? "-" : ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    static func isTime(_ text: String) -> Bool {
        text.range(of: #"^([01][0-9]|2[0-3]):[0-5][0-9]$"#, options: .regularExpression) != nil
    }
}
