import ArgumentParser
import Foundation
import Orchestrator

extension EventCommand {
    /// `baton event case-token CASE…`: the tokens that let an outside producer add to a case.
    struct CaseTokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "case-token",
            abstract: "Print the token that lets an outside tool or form add events to a case.",
            discussion: """
                The intake (POST /v1/events) takes "case" only with that case's "case_token"; without \
                one an event starts a new case. Put the token in the links of messages about the case, \
                e.g. https://example.com/reply?case=lead-7&token=TOKEN, and have the form send both. \
                One line per case, in the order given; the tokens hold for the life of the data folder.

                Example:
                  baton event case-token lead-7
                """)

        @OptionGroup var runtime: RuntimeOptions

        @Argument(help: "The case ids.")
        var cases: [String]

        func run() async throws {
            try await reportingFailures {
                guard !cases.isEmpty else { throw Failure("name at least one case: `baton event case-token CASE`") }
                let store = try await runtime.store()
                for caseID in cases { printText(try await store.caseLinkToken(for: caseID)) }
            }
        }
    }
}
