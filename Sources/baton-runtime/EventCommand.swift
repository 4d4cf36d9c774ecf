import ArgumentParser
import Foundation
import Orchestrator

/// `baton event send TYPE --payload JSON|@file`: puts an event in, durably, for a running or stopped system.
/// `baton event list --dead` and `baton event retry ID`: the events whose processing failed every try.
struct EventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "Send events to an agent system, and retry those that failed.",
        subcommands: [Send.self, List.self, Retry.self, CaseTokens.self], aliases: ["events"])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead events: those whose processing failed every try, with their errors.",
            discussion: """
                An event whose processing fails is tried again with the next batches, up to `baton run \
                --max-event-attempts` times (3 by default); then it is dead: it waits here, its case says \
                so (`baton cases show CASE`), and `baton event retry ID` puts it back once the cause is fixed.

                Example:
                  baton event list --dead
                """)

        @OptionGroup var runtime: RuntimeOptions

        @Flag(help: "Only dead events (the only listing there is for now; kept explicit for later ones).")
        var dead = false

        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures {
                guard dead else { throw Failure("say which events: `baton event list --dead`") }
                let events = try await runtime.store().deadLetters(from: .distantPast, to: .distantFuture)
                if json {
                    struct Shown: Encodable {
                        let id: Int64
                        let type: String
                        let `case`: String
                        let attempts: Int
                        let error: String
                        let deadAt: String
                        enum CodingKeys: String, CodingKey {
                            case id, type, `case`, attempts, error, deadAt = "dead_at"
                        }
                    }
                    let formatter = ISO8601DateFormatter()
                    return printText(
                        try jsonText(
                            events.map {
                                Shown(
                                    id: $0.id!, type: $0.type, case: $0.caseID, attempts: $0.attempts,
                                    error: $0.lastError ?? "", deadAt: $0.deadAt.map(formatter.string) ?? "")
                            }))
                }
                if events.isEmpty { return printText("no dead events") }
                let formatter = ISO8601DateFormatter()
                for e in events {
                    printText(
                        "\(e.id!)  \(e.deadAt.map(formatter.string) ?? "-")  \(e.caseID)  \(e.type)  failed \(e.attempts) times: \(e.lastError ?? "")"
                    )
                }
                printText("put one back with: baton event retry ID")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a dead event back in the queue, its tries reset.",
            discussion: """
                Fix what made it fail first (the error is in `baton event list --dead`); `baton run` then \
                processes it with its next batch, as if it had just arrived.

                Example:
                  baton event retry 42
                """)

        @OptionGroup var runtime: RuntimeOptions

        @Argument(help: "The dead event's id, from `baton event list --dead`.")
        var id: Int64

        func run() async throws {
            try await reportingFailures {
                let event: EventRecord
                do { event = try await runtime.store().retryDeadLetter(id) } catch let error as EventRetryError {
                    throw Failure("\(error)")
                }
                printText(
                    "event \(id) (\(event.type), case \(event.caseID)) is back in the queue with its tries reset; `baton run` processes it next"
                )
            }
        }
    }

    struct Send: AsyncParsableCommand {
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
            help: ArgumentHelp(
                "Send it again safely: a repeated key with the same event is stored once; with a different event it is refused.",
                valueName: "key"))
        var idempotencyKey: String?

        func run() async throws {
            try await reportingFailures {
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
                let store = try await runtime.store()
                // The intake's rule for times (AcceptedTime): RFC 3339, not before 2000, within ten years.
                if let bad = AcceptedTime.problem(in: object, now: store.clock()) { throw Failure(bad.message) }
                let caseID =
                    caseID ?? idempotencyKey.map { "case-\($0)" } ?? "case-\(UUID().uuidString.prefix(8).lowercased())"
                // The intake's rule (IntakeStorage.store(group:)): the key is bound to the type and
                // payload; the operator's keys are their own (`cli:KEY`), apart from the intake's.
                let event = try IntakeEvent(
                    type: type, caseID: caseID, payload: object, producer: "cli",
                    idempotencyKey: idempotencyKey.map { "cli:\($0)" })
                let stored: StoredIntake
                do { stored = try await Self.store(event, in: store) } catch let refused as IntakeRefusal {
                    let first = refused.firstEvent.map { " (event \($0.id), case \($0.caseID))" } ?? ""
                    throw Failure(
                        "the idempotency key '\(idempotencyKey ?? "")' was used with a different event\(first): nothing was stored; send a different event with a new key"
                    )
                }
                guard stored.isNew else {
                    return printText(
                        "event \(stored.id) was already stored for case \(stored.caseID) with this key and this event: nothing stored again"
                    )
                }
                printText("event \(stored.id) stored for case \(stored.caseID)")
            }
        }

        /// Stores one event, durably, as the intake does (a group of one).
        static func store(_ event: IntakeEvent, in store: any RuntimeStorage) async throws -> StoredIntake {
            guard let result = try await store.store(group: [event]).first else {
                throw Failure("the store answered nothing for the event")
            }
            return try result.get()
        }
    }
}
