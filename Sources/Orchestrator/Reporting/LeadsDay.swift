import Blueprint
import Foundation

/// The leads of a daily report, with nothing left out: how many came, how many were answered (and
/// how fast), which wait for a person and which have no reply, each with how long it has waited.
/// Every lead without a reply past the first-response target is an edge case, named by its case.
public struct LeadsDay: Sendable, Encodable {
    public let received: Int
    public let answered: Int
    public let spam: Int
    /// One line per lead whose case waits for a person: "lead-9: 2 h 5 min".
    public let waitingForPerson: [String]
    /// One line per lead with no reply and no one asked: "lead-7: 3 h 12 min (a reply goes at 14:00)".
    public let unanswered: [String]
    /// Every lead without a reply past the target, and every reply that came after it.
    public let edgeCases: [String]
    /// The target the edge cases are measured against, in minutes.
    public let targetMinutes: Double

    /// What the target is when the blueprint has no `lead_first_response` KPI: Baton's own promise.
    public static let defaultTargetMinutes = 5.0

    /// The leads of `ledger` as of `now`, in the business's time zone.
    package init(_ ledger: [LeadRecord], blueprint: Blueprint, now: Date) {
        let target =
            blueprint.kpis.first { $0.id == "lead_first_response" }?.target ?? Self.defaultTargetMinutes
        let clock = DateFormatter()
        clock.locale = Locale(identifier: "en_US_POSIX")
        clock.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        clock.dateFormat = "EEE HH:mm"
        var waiting: [String] = []
        var unanswered: [String] = []
        var edges: [String] = []
        let targetWords = "target \(Self.words(target * 60))"
        for lead in ledger where !lead.spam {
            if let replied = lead.replied {
                let took = max(0, replied.timeIntervalSince(lead.received))
                if took > target * 60 {
                    edges.append("\(lead.caseID): answered after \(Self.words(took)) (\(targetWords))")
                }
                continue
            }
            let waited = max(0, now.timeIntervalSince(lead.received))
            var why = ""
            if lead.waitingForPerson {
                why = "waits for a person"
                waiting.append("\(lead.caseID): \(Self.words(waited))")
            } else {
                if let due = lead.replyDue {
                    why = "a reply goes at \(clock.string(from: due))"
                } else if lead.replyFailed {
                    why = "the reply could not be sent"
                } else {
                    why = "nothing sent"
                }
                unanswered.append("\(lead.caseID): \(Self.words(waited)) (\(why))")
            }
            if waited > target * 60 {
                edges.append("\(lead.caseID): no reply after \(Self.words(waited)), \(why) (\(targetWords))")
            }
        }
        received = ledger.count
        answered = ledger.filter { $0.replied != nil && !$0.spam }.count
        spam = ledger.filter(\.spam).count
        waitingForPerson = waiting
        self.unanswered = unanswered
        edgeCases = edges
        targetMinutes = target
    }

    /// The section of the plain Markdown report.
    var markdown: [String] {
        var lines = [
            "## Leads",
            "- received: \(received); answered: \(answered); waiting for a person: \(waitingForPerson.count); unanswered: \(unanswered.count); spam: \(spam)",
        ]
        if !waitingForPerson.isEmpty {
            lines.append("- waiting for a person:")
            lines += waitingForPerson.map { "  - \($0)" }
        }
        if !unanswered.isEmpty {
            lines.append("- unanswered, with how long each has waited:")
            lines += unanswered.map { "  - \($0)" }
        }
        return lines
    }

    /// The values the daily-report templates render.
    var templateValues: [String: Any] {
        [
            "received": "\(received)", "answered": "\(answered)", "spam": "\(spam)",
            "waiting_count": "\(waitingForPerson.count)", "waiting": waitingForPerson,
            "has_waiting": !waitingForPerson.isEmpty,
            "unanswered_count": "\(unanswered.count)", "unanswered": unanswered, "has_unanswered": !unanswered.isEmpty,
        ]
    }

    /// A wait as people say it: `40 s`, `12 min`, `3 h 12 min`, `2 days 4 h`.
    public static func words(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86400 { return s % 3600 / 60 == 0 ? "\(s / 3600) h" : "\(s / 3600) h \(s % 3600 / 60) min" }
        let days = s / 86400
        return "\(days) day\(days == 1 ? "" : "s")\(s % 86400 / 3600 == 0 ? "" : " \(s % 86400 / 3600) h")"
    }
}
