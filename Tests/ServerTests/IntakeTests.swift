import Foundation
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `POST /v1/events` on a real server on loopback: who gets in, what is refused, what is stored.
@Suite(.serialized)
struct IntakeTests {
    /// Monday 2 March 2026, 16:00 UTC: the store's clock, so signatures have a known "now".
    static let now = Date(timeIntervalSince1970: 1_772_467_200)

    /// A running intake with its store; stopped when the test's body ends.
    static func withIntake(
        token: String? = "t0ken", secret: String? = "s3cret", maxBody: Int = 4096,
        _ body: (URL, RuntimeStore) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-intake-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder, clock: { IntakeTests.now })
        let settings = IntakeSettings(
            port: 0, token: token, hmacSecret: secret, maxBodyBytes: maxBody,
            acceptedTypes: ["lead.received", "inquiry.received"])
        let port = Mutex(0)
        let app = IntakeServer(store: store, settings: settings).application { running in port.withLock { $0 = running }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, store)
    }

    static func post(_ base: URL, _ body: String, headers: [String: String]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: base.appendingPathComponent("v1/events"))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as! HTTPURLResponse).statusCode, json)
    }

    static let lead =
        #"{"type": "lead.received", "payload": {"name": "Dana", "email": "dana@example.com", "budget": 4000}}"#

    @Test func aBearerTokenLetsALeadInAndItIsStoredBeforeTheAnswer() async throws {
        try await Self.withIntake { base, store in
            let (status, answer) = try await Self.post(base, Self.lead, headers: ["Authorization": "Bearer t0ken"])
            #expect(status == 202)
            let id = try #require(Int64(answer["event"] as? String ?? ""))
            let event = try #require(try store.event(id))
            #expect(event.type == "lead.received" && event.producer == "intake")
            #expect(event.caseID == answer["case"] as? String)
            #expect(event.payload["email"] as? String == "dana@example.com")
        }
    }

    @Test func aSignedRequestGetsInAWrongOrOldOneDoesNot() async throws {
        try await Self.withIntake { base, store in
            let stamp = String(Int(Self.now.timeIntervalSince1970))
            let good = IntakeServer.signature(secret: "s3cret", timestamp: stamp, body: Data(Self.lead.utf8))
            #expect(
                try await Self.post(base, Self.lead, headers: ["X-Baton-Signature": "t=\(stamp),v1=\(good)"]).0 == 202)
            let forged = IntakeServer.signature(secret: "guess", timestamp: stamp, body: Data(Self.lead.utf8))
            let (bad, why) = try await Self.post(
                base, Self.lead, headers: ["X-Baton-Signature": "t=\(stamp),v1=\(forged)"])
            #expect(bad == 401 && why["error"] as? String == "the signature does not match the body")
            // The same body signed six minutes ago: a replay.
            let old = String(Int(Self.now.timeIntervalSince1970) - 360)
            let replayed = IntakeServer.signature(secret: "s3cret", timestamp: old, body: Data(Self.lead.utf8))
            let (late, lateWhy) = try await Self.post(
                base, Self.lead, headers: ["X-Baton-Signature": "t=\(old),v1=\(replayed)"])
            #expect(late == 401 && (lateWhy["error"] as? String)?.contains("a replay?") == true)
            // A signature of another body does not carry over.
            let (tampered, _) = try await Self.post(
                base, Self.lead.replacingOccurrences(of: "Dana", with: "Mallory"),
                headers: ["X-Baton-Signature": "t=\(stamp),v1=\(good)"])
            #expect(tampered == 401)
            #expect(try store.events().count == 1)
        }
    }

    @Test func everyBadRequestIsRefusedWithItsReasonAndNothingIsStored() async throws {
        try await Self.withIntake(maxBody: 512) { base, store in
            let auth = ["Authorization": "Bearer t0ken"]
            let cases: [(String, [String: String], Int, String?)] = [
                (Self.lead, ["Authorization": "Bearer wrong"], 401, nil),
                (Self.lead, [:], 401, nil),
                (
                    #"{"type": "lead.received", "payload": {"note": "\#(String(repeating: "x", count: 600))"}}"#, auth,
                    413, nil
                ),
                (#"{"type": "lead.received", "payload": {"#, auth, 400, nil),
                (#"{"payload": {"name": "Dana"}}"#, auth, 422, "type"),
                (#"{"type": "lead.received"}"#, auth, 422, "payload"),
                (#"{"type": "lead.received", "payload": {"tags": ["a"]}}"#, auth, 422, "payload.tags"),
                (#"{"type": "contract.signed", "payload": {}}"#, auth, 422, "type"),
                (#"{"type": "lead.received", "payload": {}, "extra": 1}"#, auth, 422, "extra"),
            ]
            for (body, headers, expected, field) in cases {
                let (status, answer) = try await Self.post(base, body, headers: headers)
                #expect(status == expected, "\(body.prefix(60))")
                #expect(answer["error"] is String, "\(body.prefix(60))")
                if let field { #expect(answer["field"] as? String == field) }
            }
            #expect(try store.events().isEmpty)
        }
    }

    @Test func aRetryWithTheSameIdempotencyKeyStoresOneEvent() async throws {
        try await Self.withIntake { base, store in
            let headers = ["Authorization": "Bearer t0ken", "Idempotency-Key": "form-1234"]
            let (first, a) = try await Self.post(base, Self.lead, headers: headers)
            let (second, b) = try await Self.post(base, Self.lead, headers: headers)
            #expect(first == 202 && second == 200)
            #expect(a["event"] as? String == b["event"] as? String && b["repeat"] as? String == "true")
            #expect(try store.events().count == 1)
        }
    }

    @Test func withNeitherSecretIntakeRefusesEverything() async throws {
        try await Self.withIntake(token: nil, secret: nil) { base, store in
            let (status, answer) = try await Self.post(base, Self.lead, headers: ["Authorization": "Bearer anything"])
            #expect(status == 503)
            #expect((answer["error"] as? String)?.contains("BATON_INTAKE_TOKEN") == true)
            #expect(try store.events().isEmpty)
        }
    }

    @Test func healthAndMetrics() async throws {
        try await Self.withIntake { base, _ in
            _ = try await Self.post(base, Self.lead, headers: ["Authorization": "Bearer t0ken"])
            let (health, _) = try await URLSession.shared.data(from: base.appendingPathComponent("healthz"))
            #expect(String(decoding: health, as: UTF8.self) == "ok\n")
            let (metrics, _) = try await URLSession.shared.data(from: base.appendingPathComponent("metrics"))
            let text = String(decoding: metrics, as: UTF8.self)
            #expect(text.contains("# TYPE baton_events_total counter\nbaton_events_total 1\n"))
            // A count that can go down is a gauge: the pending event will be done.
            #expect(text.contains("# TYPE baton_events gauge\nbaton_events{status=\"pending\"} 1\n"))
            #expect(text.contains("# TYPE baton_dead_letters gauge\nbaton_dead_letters 0\n"))
            #expect(text.contains("baton_queue_depth{kind=\"events\"} 1"))
            #expect(text.contains("baton_approvals_pending 0"))
            #expect(text.contains("baton_lead_response_seconds_bucket{le=\"+Inf\"} 0"))
        }
    }
}
