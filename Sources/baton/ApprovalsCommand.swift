import ArgumentParser
import Foundation
import Orchestrator
import Server

/// `baton approvals`: what waits for a person, and the person's decisions.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List, approve, reject or override actions that wait for a person.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Override.self, Token.self])

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a sign-in token for the approvals dashboard (shown once; only its hash is kept).",
            discussion: """
                The dashboard is served by `baton run --listen HOST:PORT` at http://HOST:PORT/approvals. \
                Each token works until the data folder is deleted; make one per person.
                """)
        @OptionGroup var runtime: RuntimeOptions

        func run() throws {
            try reportingFailures {
                printText(try DashboardTokens.make(in: runtime.store()))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending approvals.")
        @OptionGroup var runtime: RuntimeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let pending = try Approvals(store: runtime.store()).pending()
                if json { return printText(try jsonText(pending)) }
                if pending.isEmpty { return printText("Nothing waits for approval.") }
                for a in pending {
                    printText("#\(a.id ?? 0)  case \(a.caseID)  \(a.agent) wants \(a.action): \(a.reason)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one approval: the proposed action, why, and the decision.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let a = try Approvals(store: runtime.store()).get(id)
                if json { return printText(try jsonText(a)) }
                printText(
                    "Approval #\(id) (\(a.status.rawValue)): \(a.agent) wants \(a.action) in case \(a.caseID)\nWhy: \(a.reason)\nProposed: \(a.proposedJSON)"
                )
                if let revises = a.revises { printText("Revises: #\(revises)") }
                if !a.evidence.isEmpty {
                    printText("Evidence (the case context the agent read):")
                    for key in a.evidence.keys.sorted() {
                        printText(
                            "  \(key): "
                                + a.evidence[key]!.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                                    separator: "; "))
                    }
                }
                if let approved = a.approvedJSON { printText("Approved: \(approved)") }
                if let decision = a.decision { printText("Decision: \(decision)") }
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve, optionally with an edited email body.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "Replace the proposed email body.") var body: String?

        func run() throws {
            try reportingFailures {
                try Approvals(store: runtime.store()).approve(id, edited: body.map { ["body": $0] })
                printText("Approved #\(id); it leaves with the next dispatch.")
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject with a reason; nothing leaves.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "Why.") var reason: String

        func run() throws {
            try reportingFailures {
                try Approvals(store: runtime.store()).reject(id, reason: reason)
                printText("Rejected #\(id).")
            }
        }
    }

    struct Override: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a proposal back to its agent with instructions; it applies them and resubmits.",
            discussion: """
                The agent understands, one per line or separated by ';':
                  subject: TEXT            a new subject
                  say: TEXT                a paragraph added before the sign-off
                  offer thursday morning   other times from the calendar (a weekday, morning or afternoon)
                Anything else stays beside the revised proposal for you to apply with `approve --body`.
                The revision waits as a new approval: nothing leaves until you approve it.

                Example:
                  baton approvals override 3 --instructions "offer Thursday morning; say: Parking is at the back."
                """)
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "What the agent should do differently.") var instructions: String

        func run() throws {
            try reportingFailures {
                let approvals = Approvals(store: try runtime.store())
                let agent = try approvals.get(id).agent
                try approvals.override(id, instructions: instructions)
                printText(
                    "Sent #\(id) back to \(agent) with your instructions. Its revision waits as a new approval once the system has run (`baton approvals list`)."
                )
            }
        }
    }
}
