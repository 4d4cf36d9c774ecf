import Blueprint
import Foundation
import Orchestrator
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An approval that waited too long shows, on the dashboard and in the JSON API, whom its timeout
/// reminded and to whom it escalated. In the dashboard's suite, which runs its servers one at a time.
extension DashboardTests {
    @Test func theDashboardAndTheAPIShowTheReminderAndTheEscalation() async throws {
        try await DashboardTests.withDashboard { base, store, _, token in
            // The clock stands still here, so a rule of 0 minutes is due at once: one turn reminds,
            // the next escalates, the third does nothing.
            var blueprint = try DashboardTests.plumbingBlueprint()
            blueprint.approvals.append(
                ApprovalRule(
                    action: "email.send", when: "first_contact", approver: "owner",
                    timeout: Timeout(after: "0 min", then: "escalate", to: "boss@example.com")))
            let approvals = Approvals(store: store)
            let signIn = try await DashboardTests.signIn(base, token: token)
            let cookie = String(try #require(signIn.headers["set-cookie"]).split(separator: ";")[0])

            var page = try await DashboardTests.call(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(!page.text.contains("Waiting too long"))
            #expect(try approvals.applyTimeouts(blueprint) == 1)
            page = try await DashboardTests.call(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(page.text.contains("Waiting too long: reminded owner at <time>"))
            #expect(!page.text.contains("escalated to"))
            #expect(try approvals.applyTimeouts(blueprint) == 1)
            #expect(try approvals.applyTimeouts(blueprint) == 0)
            page = try await DashboardTests.call(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(page.text.contains("; escalated to boss@example.com at <time>"))

            var request = URLRequest(url: base.appendingPathComponent("v1/approvals"))
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: request)
            let first = try #require((try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
            #expect((first["reminded"] as? [String: String])?["to"] == "owner")
            #expect((first["escalated"] as? [String: String])?["to"] == "boss@example.com")
            #expect((first["escalated"] as? [String: String])?["at"]?.hasPrefix("20") == true)
            #expect(try store.outbox().contains { $0.idempotencyKey == "timeout-1-escalate" })
        }
    }
}
