import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton event send --idempotency-key` through the real binary: the intake's rule (a key is bound
/// to the event first sent with it), and `baton event case-token`.
struct EventSendIdempotencyTests {
    @Test func aKeyReusedWithAnotherEventIsRefusedNotReportedStored() async throws {
        let data = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        func send(_ payload: String, type: String = "lead.received") async throws -> BatonBinary.RunResult {
            try await BatonBinary.run(
                ["event", "send", type, "--payload", payload, "--idempotency-key", "form-9", "--data-dir", data])
        }
        let dana = #"{"name": "Dana", "email": "dana@example.com"}"#
        let first = try await send(dana)
        #expect(first.status == 0 && first.stdout.contains("stored for case case-form-9"), "\(first.stderr)")
        // The same event (its keys in another order): stored once, and said so.
        let again = try await send(#"{"email": "dana@example.com", "name": "Dana"}"#)
        #expect(again.status == 0 && again.stdout.contains("already stored"), "\(again.stderr)")
        for (payload, type) in [
            (#"{"name": "Dana", "email": "mallory@evil.example"}"#, "lead.received"), (dana, "inquiry.received"),
        ] {
            let other = try await send(payload, type: type)
            #expect(other.status != 0)
            #expect(
                other.stderr.contains("the idempotency key 'form-9' was used with a different event"), "\(other.stderr)"
            )
            #expect(!other.stdout.contains("stored for case"))
        }
        let stored = try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT payload_json FROM event").map { $0["payload_json"] as String }
        }
        #expect(stored.count == 1 && stored.first?.contains("dana@example.com") == true)
    }

    @Test func caseTokensArePrintedOnePerCaseAndStable() async throws {
        let data = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let first = try await BatonBinary.run(["event", "case-token", "lead-1", "lead-2", "--data-dir", data])
        #expect(first.status == 0, "\(first.stderr)")
        let tokens = first.stdout.split(separator: "\n").map(String.init)
        #expect(tokens.count == 2 && tokens[0] != tokens[1])
        #expect(tokens.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        let again = try await BatonBinary.run(["event", "case-token", "lead-1", "--data-dir", data])
        #expect(again.stdout.split(separator: "\n").first.map(String.init) == tokens[0])
    }
}
