import Blueprint
import Diagnostics
import Foundation
import Questionnaire
import Testing

/// Every validation error, with its message and its position in the file.
struct BlueprintValidationTests {
    static var base: String {
        (try? String(contentsOfFile: BlueprintGoldenTests.goldenPath("plumbing-contractor"), encoding: .utf8)) ?? ""
    }

    /// A change to the valid plumbing blueprint, the message expected, and where: the first place
    /// `marker` appears in the changed text.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let replacing: String
        let with: String
        let message: String
        let marker: String
        var severity: PackIssue.Severity = .error
        /// Characters from the start of the marker to the expected column.
        var offset = 0
        /// A second change, when one is not enough.
        var also: (String, String)? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown skill", replacing: "skill: scheduling", with: "skill: schedulng",
            message: "unknown skill 'schedulng' (did you mean 'scheduling'?)", marker: "schedulng"),
        Case(
            name: "unknown scope", replacing: "  - calendar.book\n", with: "  - calendar.bok\n",
            message: "unknown scope 'calendar.bok' (did you mean 'calendar.book'?)", marker: "calendar.bok"),
        Case(
            name: "wildcard scope", replacing: "  - crm.write:lead_score\n", with: "  - '*'\n",
            message: "permission '*' is a wildcard", marker: "'*'"),
        Case(
            name: "a permission the skill never uses", replacing: "  - accounting.write:invoice\n  - email.send\n",
            with: "  - accounting.write:invoice\n  - email.send\n  - email.read\n",
            message: "agent 'invoice_chaser' has 'email.read', which its skill invoice_reminders never uses",
            marker: "email.read", severity: .warning),
        Case(
            name: "a consumed event nobody emits", replacing: "  consumes:\n  - meeting.requested\n",
            with: "  consumes:\n  - meeting.requestd\n",
            message: "agent 'scheduler' consumes 'meeting.requestd', which nobody emits", marker: "meeting.requestd"),
        Case(
            name: "an agent nobody reaches", replacing: "  consumes:\n  - invoice.due\n",
            with: "  consumes:\n  - invoice.sent\n",
            message: "agent 'invoice_chaser' is never reached", marker: "invoice_chaser"),
        Case(
            name: "a high-stakes action without an approval rule", replacing: "- action: payment.commit\n",
            with: "- action: discount.offer\n",
            message:
                "agent 'invoice_chaser' can take the high-stakes action 'payment.commit' and no approval rule covers it",
            marker: "- accounting.read",
            also: (
                "  - accounting.write:invoice\n  - email.send\n",
                "  - accounting.write:invoice\n  - email.send\n  - payments.commit\n"
            )),
        Case(
            name: "a literal secret", replacing: "token: ${env:BATON_INTAKE_TOKEN}", with: "token: s3cr3t-value",
            message: "'token' holds a literal secret", marker: "s3cr3t-value"),
        Case(
            name: "a time zone that does not exist", replacing: "time_zone: America/Edmonton",
            with: "time_zone: America/Edmontn", message: "time zone 'America/Edmontn' does not exist",
            marker: "America/Edmontn"),
        Case(
            name: "a timeout that approves", replacing: "    then: escalate\n", with: "    then: approve\n",
            message: "a timeout may not approve", marker: "then: approve", offset: 6),
        Case(
            name: "an approval condition nobody evaluates", replacing: "when: change_or_cancel",
            with: "when: on_tuesdays", message: "unknown condition 'on_tuesdays'", marker: "on_tuesdays"),
        Case(
            name: "a misspelt approval condition", replacing: "when: change_or_cancel", with: "when: change_or_cancl",
            message: "unknown condition 'change_or_cancl' (did you mean 'change_or_cancel'?)",
            marker: "change_or_cancl"),
        Case(
            name: "an empty approval condition", replacing: "when: change_or_cancel", with: "when: ''",
            message: "the condition is empty", marker: "''"),
        Case(
            name: "an unknown connector", replacing: "kind: eml_folder", with: "kind: carrier_pigeon",
            message: "unknown email connector 'carrier_pigeon'", marker: "carrier_pigeon"),
        Case(
            name: "a handoff to an unknown agent", replacing: "to: scheduler", with: "to: schedular",
            message: "unknown agent 'schedular' (did you mean 'scheduler'?)", marker: "schedular"),
        Case(
            name: "an unknown action", replacing: "- action: complaint.reply\n", with: "- action: complaint.replyy\n",
            message: "unknown action 'complaint.replyy' (did you mean 'complaint.reply'?)", marker: "complaint.replyy"),
        Case(
            name: "a bad time", replacing: "time: '17:30'", with: "time: '25:00'", message: "'25:00' is not a time",
            marker: "'25:00'"),
        Case(
            name: "an unknown key", replacing: "  currency: CAD\n", with: "  currency: CAD\n  colour: blue\n",
            message: "unknown key 'colour'", marker: "colour"),
    ]

    static func check(_ yaml: String) -> [PackIssue] {
        BlueprintFile.check(yaml: yaml, file: "bp.yaml").issues
    }

    @Test(arguments: cases)
    func reportsTheProblemAtItsPosition(_ c: Case) throws {
        #expect(Self.base.contains(c.replacing), "the golden blueprint changed; update the case")
        var yaml = Self.base.replacingOccurrences(of: c.replacing, with: c.with)
        if let (a, b) = c.also { yaml = yaml.replacingOccurrences(of: a, with: b) }
        let issues = Self.check(yaml)
        let lines = yaml.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains(c.marker.trimmingCharacters(in: .newlines)) })
        let column =
            lines[line].distance(
                from: lines[line].startIndex,
                to: lines[line].range(of: c.marker.trimmingCharacters(in: .newlines))!.lowerBound) + 1 + c.offset
        let matching = issues.filter { $0.message.contains(c.message) }
        #expect(
            !matching.isEmpty,
            "no issue says \"\(c.message)\"; got:\n\(issues.map(\.description).joined(separator: "\n"))")
        #expect(
            matching.contains {
                $0.location.line == line + 1 && $0.location.column == column && $0.severity == c.severity
            },
            "expected at \(line + 1):\(column), got \(matching.map(\.description))")
        #expect(matching.allSatisfy { $0.message.contains("; hint: ") || c.name == "an unknown key" })
    }

    @Test func aHandoffLoopWithNoExitIsAnError() throws {
        let yaml = """
            apiVersion: baton/v1
            kind: AgentSystem
            business: {name: Loop, time_zone: UTC, currency: CAD, working_hours: {days: [mon], start: "08:00", end: "17:00"}}
            intake: [lead.received]
            agents:
            - {id: a, role: A, skill: lead_qualification, consumes: [lead.received, lead.pong], emits: [lead.ping], permissions: [crm.read], limits: {actions_per_hour: 5}, settings: {}}
            - {id: b, role: B, skill: follow_up_drafting, consumes: [lead.ping], emits: [lead.pong], permissions: [crm.read], limits: {actions_per_hour: 5}, settings: {}}
            handoffs:
            - {event: lead.ping, from: a, to: b}
            - {event: lead.pong, from: b, to: a}
            approvals: []
            connectors: {email: {kind: eml_folder, settings: {}}, calendar: {kind: builtin, settings: {}}, crm: {kind: builtin, settings: {}}, forms: {kind: intake_api, settings: {}}}
            schedules: {daily_report: {time: "17:30", recipients: [owner]}}
            kpis: []
            """
        let issues = Self.check(yaml)
        let loop = try #require(
            issues.first { $0.message.contains("agents a → b → a hand events round in a loop with no way out") })
        #expect(loop.location.line == 9)
        #expect(loop.location.column == 3)
        // Without the handoffs listed, the loop is still found from the events.
        let island = yaml.replacingOccurrences(
            of: "- {event: lead.ping, from: a, to: b}\n- {event: lead.pong, from: b, to: a}\n", with: ""
        )
        .replacingOccurrences(of: "handoffs:\n", with: "handoffs: []\n")
        .replacingOccurrences(of: "consumes: [lead.received, lead.pong]", with: "consumes: [lead.pong]")
        let islandIssues = Self.check(island)
        #expect(
            islandIssues.contains { $0.message.contains("hand events round in a loop with no way out") },
            "\(islandIssues)")
        // Neither a nor b is reached from intake any more: each only hears from the other.
        #expect(islandIssues.contains { $0.message.hasPrefix("agent 'a' is never reached") })
        #expect(islandIssues.contains { $0.message.hasPrefix("agent 'b' is never reached") })
        // With an exit (a also emits lead.done), the loop is fine.
        let withExit = yaml.replacingOccurrences(of: "emits: [lead.ping]", with: "emits: [lead.ping, lead.done]")
        #expect(!Self.check(withExit).contains { $0.message.contains("loop") })
    }

    @Test func theCommandLineFormatHasFileLineColumnAndHint() throws {
        let yaml = Self.base.replacingOccurrences(of: "skill: scheduling", with: "skill: schedulng")
        let issue = try #require(Self.check(yaml).first)
        #expect(issue.description.hasPrefix("bp.yaml:"))
        #expect(issue.description.contains(": error: unknown skill 'schedulng'"))
        #expect(issue.description.contains("; hint: skills: lead_qualification, "))
    }
}
