import ArgumentParser
import Foundation
import Orchestrator

/// `baton approvals`: what waits for a person, and the person's decisions.
struct ApprovalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List, approve, reject or override actions that wait for a person.",
        subcommands: [List.self, Show.self, Approve.self, Reject.self, Override.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending approvals.")
        @OptionGroup var runtime: RuntimeOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let pending = try Approvals(store: runtime.store()).pending()
                if json { return print(try jsonText(pending)) }
                if pending.isEmpty { return print("Nothing waits for approval.") }
                for a in pending { print("#\(a.id ?? 0)  case \(a.caseID)  \(a.agent) wants \(a.action): \(a.reason)") }
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
                if json { return print(try jsonText(a)) }
                print(
                    "Approval #\(id) (\(a.status.rawValue)): \(a.agent) wants \(a.action) in case \(a.caseID)\nWhy: \(a.reason)\nProposed: \(a.proposedJSON)"
                )
                if let approved = a.approvedJSON { print("Approved: \(approved)") }
                if let decision = a.decision { print("Decision: \(decision)") }
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
                print("Approved #\(id); it leaves with the next dispatch.")
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
                print("Rejected #\(id).")
            }
        }
    }

    struct Override: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give the agent instructions; it resubmits its proposal for approval.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: Int64
        @Option(help: "What the agent should do differently.") var instructions: String

        func run() throws {
            try reportingFailures {
                let newID = try Approvals(store: runtime.store()).override(id, instructions: instructions)
                print("Overrode #\(id); the revised proposal waits as #\(newID).")
            }
        }
    }
}
