import ArgumentParser
import Foundation
import Orchestrator
import Server

/// `baton approvals`: what waits for a person, and the person's decisions.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List, approve, reject or override actions that wait for a person.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Override.self, Token.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make, list or revoke sign-in tokens for the approvals dashboard and its JSON API.",
            discussion: """
                Without options, makes a token and prints it once (only its hash is kept): sign in with it at \
                http://HOST:PORT/approvals (`baton run --listen HOST:PORT`), or send it to the JSON API as \
                `Authorization: Bearer TOKEN`. Make one per person or tool, with a --label saying whose.

                --list shows each token's id, label, when it was made and last used, and its open sessions; \
                never the token. --revoke ID ends it at once: it signs nobody in, its sessions end, and the \
                JSON API refuses it.

                Examples:
                  baton approvals token --label "Dana's phone"
                  baton approvals token --list
                  baton approvals token --revoke 3
                """)
        @OptionGroup var runtime: RuntimeOptions
        @Option(help: "Whose token this is, shown by --list.") var label: String?
        @Flag(help: "List the tokens (never their secrets).") var list = false
        @Option(help: ArgumentHelp("Revoke a token: it signs nobody in and its sessions end.", valueName: "id"))
        var revoke: Int64?
        @Flag(help: "Print JSON (with --list).") var json = false

        func validate() throws {
            guard !(list && revoke != nil) else { throw ValidationError("--list and --revoke go one at a time") }
            guard label == nil || (!list && revoke == nil) else {
                throw ValidationError("--label names a new token; it goes without --list and --revoke")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let store = try await runtime.store()
                if let revoke {
                    let ended = try await store.revokeDashboardToken(id: revoke)
                    return printText(
                        "Revoked token \(revoke): it signs nobody in, the JSON API refuses it, and its \(ended) open session\(ended == 1 ? "" : "s") ended."
                    )
                }
                if list {
                    let (tokens, unreadable) = try await store.dashboardTokenListing()
                    for bad in unreadable { printError("left out: \(bad) (`--revoke` still works by its id)") }
                    let stamp = ISO8601DateFormatter()
                    if json {
                        let rows: [[String: Any]] = tokens.map {
                            [
                                "id": $0.id, "label": $0.label ?? NSNull(), "created": stamp.string(from: $0.createdAt),
                                "last_used": $0.lastUsedAt.map { stamp.string(from: $0) } ?? NSNull(),
                                "sessions": $0.sessions,
                            ]
                        }
                        let data = try JSONSerialization.data(
                            withJSONObject: rows, options: [.sortedKeys, .prettyPrinted])
                        return printText(String(decoding: data, as: UTF8.self))
                    }
                    if tokens.isEmpty {
                        return printText("No dashboard tokens. Make one with `baton approvals token`.")
                    }
                    for token in tokens {
                        printText(
                            "#\(token.id)  \(token.label ?? "(no label)")  made \(stamp.string(from: token.createdAt))  last used \(token.lastUsedAt.map { stamp.string(from: $0) } ?? "never")  \(token.sessions) open session\(token.sessions == 1 ? "" : "s")"
                        )
                    }
                    return
                }
                printText(try await DashboardTokens.make(in: store, label: label))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending approvals.")
        @OptionGroup var runtime: RuntimeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures {
                let (pending, unreadable) = try await runtime.store().pendingApprovalListing()
                for bad in unreadable { printError("left out: \(bad)") }
                if json { return printText(try jsonText(pending)) }
                if pending.isEmpty { return printText("Nothing waits for approval.") }
                for a in pending {
                    printText("#\(a.id ?? 0)  case \(a.caseID)  \(a.agent) wants \(a.action): \(a.reason)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one approval: the proposed action, why, and the decision.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures {
                let a = try await runtime.store().approval(id)
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

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve, optionally with an edited email body.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "Replace the proposed email body.") var body: String?

        func run() async throws {
            try await reportingFailures {
                try await runtime.store().approve(id, edited: body.map { ["body": $0] })
                printText("Approved #\(id); it leaves with the next dispatch.")
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject with a reason; nothing leaves.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await reportingFailures {
                try await runtime.store().reject(id, reason: reason)
                printText("Rejected #\(id).")
            }
        }
    }

    struct Override: AsyncParsableCommand {
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

        func run() async throws {
            try await reportingFailures {
                let store = try await runtime.store()
                let agent = try await store.approval(id).agent
                _ = try await store.override(id, instructions: instructions)
                printText(
                    "Sent #\(id) back to \(agent) with your instructions. Its revision waits as a new approval once the system has run (`baton approvals list`)."
                )
            }
        }
    }
}
