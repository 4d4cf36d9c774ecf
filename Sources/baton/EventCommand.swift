import ArgumentParser
import Foundation
import Orchestrator

/// `baton event send TYPE --payload JSON|@file`: puts an event in, durably, for a running or stopped system.
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "Send events to an agent system.", subcommands: [Send.self])

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send one event; it is stored before this command returns.",
            discussion: """
                Example:
                  baton event send lead.received --payload '{"name": "Dana", "email": "dana@example.com", "timeline": "asap"}'
                """)

        @OptionGroup var runtime: RuntimeOptions

        @Argument(help: "The event type, e.g. lead.received.")
        var type: String

        @Option(help: ArgumentHelp("The payload: a JSON object, or @FILE holding one.", valueName: "json"))
        var payload = "{}"

        @Option(name: .customLong("case"), help: ArgumentHelp("The case id (default: a new case).", valueName: "id"))
        var caseID: String?

        @Option(
            name: .customLong("idempotency-key"),
            help: ArgumentHelp("Send it again safely: a repeated key is stored once.", valueName: "key"))
        var idempotencyKey: String?

        func run() throws {
            try reportingFailures {
                let text: String
                if payload.hasPrefix("@") {
                    guard let data = FileManager.default.contents(atPath: String(payload.dropFirst())) else {
                        throw Failure("cannot read \(payload.dropFirst())")
                    }
                    text = String(decoding: data, as: UTF8.self)
                } else {
                    text = payload
                }
                guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                    throw Failure("the payload must be a JSON object, e.g. '{\"name\": \"Dana\"}'")
                }
                let store = try runtime.store()
                let caseID =
                    caseID ?? idempotencyKey.map { "case-\($0)" } ?? "case-\(UUID().uuidString.prefix(8).lowercased())"
                let id = try store.submit(
                    type: type, caseID: caseID, payload: object, producer: "cli", idempotencyKey: idempotencyKey)
                printText("event \(id) stored for case \(caseID)")
            }
        }
    }
}
