import BatonTestSupport
import Blueprint
import Foundation
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The public booking page over real HTTP on loopback: the lead's name escaped whatever it holds,
/// the offered times in the business's zone, a pick stored once (however often it is sent) and
/// booked once, bad and expired tokens answered with plain pages that say nothing of any case, and
/// every size and rate bounded.
@Suite(.serialized)
struct BookingPageTests {
    static let publicURL = "https://book.example.com"

    /// A runtime with `names.count` leads (one per name, cases `lead-0`…), each offered times with a
    /// booking link, and the page served with `settings` changed by `adjust`.
    static func withPage(
        names: [String] = ["Dana Lee"], validity: TimeInterval = BookingLinks.defaultValidity,
        adjust: (inout BookingPageSettings) -> Void = { _ in },
        _ body: (URL, RuntimeStore, Engine, [String: String]) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-booking-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder, clock: { IntakeTests.now })
        var blueprint = try DashboardTests.plumbingBlueprint()
        // Forty leads at once: no agent's hourly limit holds a reply for a person.
        for index in blueprint.agents.indices { blueprint.agents[index].limits.actionsPerHour = 10_000 }
        let links = try await BookingLinks.load(publicURL: publicURL, from: store, validity: validity)
        let engine = Engine(blueprint: blueprint, store: store, bookingLinks: links)
        for (n, name) in names.enumerated() {
            try store.submit(
                type: "lead.received", caseID: "lead-\(n)",
                payload: [
                    "name": name, "email": "lead\(n)@example.com", "budget": "4000", "city": "Calgary",
                    "timeline": "asap",
                ], producer: "intake")
        }
        try await engine.runUntilIdle()
        // Each case's link, as its reply carries it (the tokens are what the tests open).
        var tokens: [String: String] = [:]
        for n in names.indices {
            let audit = try store.audit(caseID: "lead-\(n)").map(\.detail)
            let body = try #require(
                try store.outbox().first { $0.caseID == "lead-\(n)" && $0.action == "email.send" }?.payloadJSON,
                "no reply to \(names[n]): \(audit)")
            let link = try #require(
                body.range(of: #"https://book.example.com/book/[A-Za-z0-9_-]+"#, options: .regularExpression))
            tokens["lead-\(n)"] = String(body[link].split(separator: "/").last!)
        }
        var settings = BookingPageSettings(
            businessName: blueprint.business.name, timeZone: blueprint.business.timeZone, schedulers: ["scheduler"],
            links: links)
        adjust(&settings)
        let port = Mutex(0)
        let app = IntakeServer(
            store: store, settings: IntakeSettings(port: 0, acceptedTypes: []), dashboard: false, booking: settings
        ).application { running in port.withLock { $0 = running } }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, store, engine, tokens)
    }

    static func get(_ base: URL, _ token: String) async throws -> DashboardTests.Answer {
        try await DashboardTests.call(URL(string: base.absoluteString + "/book/" + token)!)
    }

    static func pick(_ base: URL, _ token: String, _ start: String) async throws -> DashboardTests.Answer {
        try await DashboardTests.call(URL(string: base.absoluteString + "/book/" + token)!, form: ["start": start])
    }

    /// The times a page offers, as its radio buttons' values.
    static func offered(_ page: String) -> [String] {
        page.components(separatedBy: #"name="start" value=""#).dropFirst().map {
            String($0.prefix { $0 != "\"" })
        }
    }

    /// The escaping the page applies (the dashboard's).
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    @Test func theLeadSeesTheirNameEscapedAndTheTimesInTheBusinesssZone() async throws {
        var generator = HostileText(seed: 1414)
        let names =
            [#"<script>alert(1)</script>"#, #"Dana" onmouseover="x"#, "Zoé & Łukasz 🙂", "</form><form action=//evil>"]
            // (A name that is a link makes the lead spam, answered by nobody: not this test's subject.)
            + (0..<36).map { _ in generator.string() }.filter {
                !$0.contains("://") && !$0.lowercased().contains("www.")
            }
        try await Self.withPage(names: names, adjust: { $0.requestsPerMinute = 10_000 }) { base, store, _, tokens in
            #expect(tokens.count == names.count)
            for (n, name) in names.enumerated() {
                let page = try await Self.get(base, tokens["lead-\(n)"]!)
                #expect(page.status == 200)
                let shown = name.count > 100 ? String(name.prefix(100)) + "…" : name
                #expect(page.text.contains("Hello \(Self.escaped(shown))"), "\(name)")
                // Nothing the lead wrote becomes markup; the page has no script at all.
                #expect(!page.text.lowercased().contains("<script"))
                #expect(!page.text.contains("lead-\(n)"))
                #expect(page.text.components(separatedBy: "<form").count == 2)
                #expect(
                    page.headers["content-security-policy"]?.hasPrefix("default-src 'none'; style-src 'sha256-") == true
                )
                #expect(page.headers["cache-control"] == "no-store")
                #expect(page.headers["referrer-policy"] == "no-referrer")
                // Monday 2 March 2026, 09:00 in Edmonton: the first free hour with an hour's notice.
                #expect(page.text.contains("Monday March 2, 10:00 AM"))
                let slots = try #require(try store.context(caseID: "lead-\(n)").notes["scheduler"]?["slots"])
                #expect(Self.offered(page.text) == slots.split(separator: ",").map(String.init))
            }
        }
    }

    @Test func aPickIsStoredOnceHoweverOftenItIsSentAndBookedOnce() async throws {
        try await Self.withPage { base, store, engine, tokens in
            let token = tokens["lead-0"]!
            let first = try #require(Self.offered(try await Self.get(base, token).text).first)
            for _ in 0..<3 {
                let answer = try await Self.pick(base, token, first)
                #expect(answer.status == 200)
                #expect(answer.text.contains("We have your request for <strong>Monday March 2, 10:00 AM</strong>"))
            }
            let requests = try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }
            #expect(requests.count == 1)
            #expect(requests.first?.payload["start"] as? String == first)
            // Stored before the answer, so the engine books it; a second pick of another time books nothing.
            let second = Self.offered(try await Self.get(base, token).text)[1]
            #expect(try await Self.pick(base, token, second).status == 200)
            try await engine.runUntilIdle()
            let dispatcher = Dispatcher(
                store: store, blueprint: engine.blueprint, emailFolder: NSTemporaryDirectory() + "/booking-\(UUID())",
                from: "office@example.com")
            try await dispatcher.dispatch()
            #expect(try store.bookings().count == 1)
            #expect(try store.outbox().filter { $0.action == "calendar.book" }.count == 1)
            let booked = try await Self.get(base, token)
            #expect(
                booked.text.contains(
                    "you are booked with Bow River Plumbing &amp; Heating for <strong>Monday March 2, 10:00 AM</strong>"
                ))
            #expect(!booked.text.contains("<form"))
            let after = try await Self.pick(base, token, second)
            #expect(after.text.contains("you are booked"))
            #expect(try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }.count == 2)
        }
    }

    @Test func badTokensAreAPlain404AndExpiredOnesAPlain410() async throws {
        try await Self.withPage(names: ["Dana Lee", "Sam Roe"], adjust: { $0.requestsPerMinute = 10_000 }) {
            base, _, _, tokens in
            let token = tokens["lead-0"]!
            var random = SplitMix(seed: 99)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            var bad = [
                "", "lead-0", String(token.dropLast()), token + "A", String(token.reversed()),
                String(repeating: "A", count: 5000),
                // Another install's token for the same case.
                BookingLinks(publicURL: Self.publicURL, key: "other").token(caseID: "lead-0", now: IntakeTests.now),
            ]
            for _ in 0..<100 {
                var characters = Array(token)
                characters[random.below(characters.count)] = random.pick(alphabet)
                if String(characters) != token { bad.append(String(characters)) }
            }
            var bodies: Set<String> = []
            for text in bad {
                let answer = try await Self.get(base, text)
                #expect(answer.status == 404, "\(text)")
                // (An empty token is no route at all: the server's own 404.)
                if !text.isEmpty { bodies.insert(answer.text) }
                let posted = try await Self.pick(base, text, "2026-03-02T17:00:00Z")
                #expect(posted.status == 404)
            }
            // One plain page for every wrong token: it names no case and no lead.
            #expect(bodies.count == 1)
            #expect(!bodies.first!.contains("lead-") && !bodies.first!.contains("Dana"))
        }
        try await Self.withPage(validity: -1) { base, store, _, tokens in
            let answer = try await Self.get(base, tokens["lead-0"]!)
            #expect(answer.status == 410)
            #expect(!answer.text.contains("Dana") && !answer.text.contains("lead-0"))
            #expect(try await Self.pick(base, tokens["lead-0"]!, "2026-03-02T17:00:00Z").status == 410)
            #expect(try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }.isEmpty)
        }
    }

    @Test func sizesAndTimesAreBounded() async throws {
        try await Self.withPage(adjust: { $0.requestsPerMinute = 10_000 }) { base, store, _, tokens in
            let url = URL(string: base.absoluteString + "/book/" + tokens["lead-0"]!)!
            // Only the times on offer: hostile and unoffered times are refused, nothing stored.
            var hostile = HostileDates(seed: 5)
            let starts = HostileDates.classics + (0..<200).map({ _ in hostile.next() }) + ["2026-03-02T18:30:00Z"]
            // (A time longer than the form's bound is refused for its size: below.)
            for start in starts where start.utf8.count < 500 {
                let answer = try await Self.pick(base, tokens["lead-0"]!, start)
                #expect(answer.status == 409, "\(start)")
                #expect(answer.text.contains("That time is not on offer"))
            }
            #expect(try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }.isEmpty)
            // A body larger than the form sends, and a body that is not a form.
            var large = URLRequest(url: url)
            large.httpMethod = "POST"
            large.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            large.httpBody = Data(("start=" + String(repeating: "9", count: 5000)).utf8)
            let (_, tooLarge) = try await DashboardTests.session.data(for: large)
            #expect((tooLarge as! HTTPURLResponse).statusCode == 413)
            var json = large
            json.setValue("application/json", forHTTPHeaderField: "Content-Type")
            json.httpBody = Data(#"{"start": "2026-03-02T17:00:00Z"}"#.utf8)
            let (_, notForm) = try await DashboardTests.session.data(for: json)
            #expect((notForm as! HTTPURLResponse).statusCode == 415)
            #expect(try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }.isEmpty)
        }
    }

    @Test func requestsPerAddressAndPicksPerCaseAreBounded() async throws {
        try await Self.withPage(adjust: { $0.requestsPerMinute = 20 }) { base, _, _, tokens in
            var statuses: [Int] = []
            for _ in 0..<25 { statuses.append(try await Self.get(base, tokens["lead-0"]!).status) }
            #expect(statuses.prefix(20).allSatisfy { $0 == 200 })
            #expect(statuses.suffix(5).allSatisfy { $0 == 429 })
            let refused = try await Self.get(base, "made-up")
            #expect(refused.status == 429 && Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
        }
        try await Self.withPage(adjust: { $0.picksPerHour = 3 }) { base, store, _, tokens in
            let token = tokens["lead-0"]!
            let slots = Self.offered(try await Self.get(base, token).text)
            var statuses: [Int] = []
            for n in 0..<5 { statuses.append(try await Self.pick(base, token, slots[n % slots.count]).status) }
            #expect(statuses == [200, 200, 200, 429, 429])
            #expect(try store.events(caseID: "lead-0").filter { $0.type == "booking.requested" }.count == 3)
        }
    }
}
