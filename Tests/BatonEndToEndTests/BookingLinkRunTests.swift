import BatonTestSupport
import Foundation
import GRDB
import Spawning
import Testing

/// A booking link that books, through the real binary: `baton run --listen --public-url`, a lead
/// sent in, the link taken from the reply's `.eml`, opened in headless Chromium
/// (`Peers/booking_browser.py`), a time picked in two tabs (the form sent twice); then one
/// `booking.requested`, one booking and one confirmation with its `invite.ics`.
struct BookingLinkRunTests {
    /// A count from the run's database.
    static func count(_ data: String, _ sql: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: data + "/runtime.sqlite", configuration: configuration).read {
            try Int.fetchOne($0, sql: sql) ?? 0
        }
    }

    @Test func aLeadOpensTheLinkInChromiumPicksATimeTwiceAndIsBookedOnce() async throws {
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let port = LoopbackPort.free()
        let base = "http://127.0.0.1:\(port)"
        let baton = try await RunningBaton(
            RuntimeCommandTests.blueprint, data: data, listen: "127.0.0.1:\(port)", arguments: ["--public-url", base])
        #expect(baton.log.contains("booking page at \(base)/book/"))
        #expect(
            try baton.post(RunningBaton.submission("lead.received", payload: RuntimeCommandTests.lead(1))).status == 202
        )

        // The reply, with the link as the lead gets it.
        var reply = ""
        #expect(
            try await SilentSMTPRunTests.waitUntil(.seconds(120)) {
                reply = outboxReplies(data).values.first { $0.contains("To: lead1@example.com") } ?? ""
                return !reply.isEmpty
            }, "no reply: \(baton.log)")
        let found = try #require(
            reply.range(
                of: #"Book one here: http://127\.0\.0\.1:\d+/book/[A-Za-z0-9_-]+"#, options: .regularExpression),
            "\(reply)")
        let link = String(reply[found].dropFirst("Book one here: ".count))
        #expect(link.hasPrefix(base + "/book/"))

        let screenshot = folder + "/booking.png"
        let seen = try await onThread { () -> String in
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3",
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                    "Peers/booking_browser.py"
                ).path, link, screenshot,
            ]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = .pipe(output)
            process.standardError = .pipe(errors)
            try process.run()
            let text = output.fileHandleForReading.readDataToEndOfFile()
            let problems = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: text.isEmpty ? problems : text, as: UTF8.self)
        }
        let browser = try #require(
            try JSONSerialization.jsonObject(with: Data(seen.utf8)) as? [String: Any], "the browser: \(seen)")
        #expect(
            browser["greeting"] as? String
                == "Hello Lead 1, pick the time that suits you for your appointment with Bow River Plumbing & Heating.")
        #expect(browser["legend"] as? String == "Times (America/Edmonton time)")
        let times = browser["times"] as? [String] ?? []
        #expect(times.count == 3, "\(browser)")
        // The times the reply offered, in the same words.
        for time in times { #expect(reply.contains(time), "\(time)") }
        #expect(browser["scripts"] as? Int == 0)
        let submitted = browser["after_submit"] as? [String] ?? []
        #expect(submitted.count == 2)
        // The first answer takes the request; the second, the same request again, or the booking
        // if the engine made it meanwhile (it usually has): either way that one time.
        #expect(submitted.first?.contains("We have your request for \(times.first ?? "?")") == true, "\(submitted)")
        for page in submitted {
            #expect(
                page.contains("We have your request for \(times.first ?? "?")")
                    || page.contains("you are booked with Bow River Plumbing & Heating for \(times.first ?? "?")"),
                "\(page)")
        }
        #expect(FileManager.default.fileExists(atPath: screenshot))

        // Booked once, confirmed once, with the invitation; the form sent twice is one request.
        var confirmations: [String] = []
        #expect(
            try await SilentSMTPRunTests.waitUntil(.seconds(120)) {
                confirmations = outboxReplies(data).values.filter { $0.contains("Subject: Booked:") }
                return !confirmations.isEmpty
            }, "no confirmation: \(baton.log)")
        try await Task.sleep(for: .seconds(2))  // a second one, if one were coming
        confirmations = outboxReplies(data).values.filter { $0.contains("Subject: Booked:") }
        #expect(confirmations.count == 1)
        let confirmation = confirmations.first ?? ""
        #expect(confirmation.contains("To: lead1@example.com"))
        #expect(confirmation.contains("Content-Disposition: attachment; filename=\"invite.ics\""))
        #expect(confirmation.contains("you are booked for \(times.first ?? "?") (America/Edmonton time)"))
        #expect(try Self.count(data, "SELECT count(*) FROM event WHERE type = 'booking.requested'") == 1)
        #expect(try Self.count(data, "SELECT count(*) FROM calendar_busy WHERE source = 'booked'") == 1)
        #expect(try Self.count(data, "SELECT count(*) FROM outbox WHERE action = 'calendar.book'") == 1)

        // The page now says so; a made-up token is a plain 404.
        let path = String(link.dropFirst(base.count))
        let booked = try await onThread { try LoopbackHTTP.send(port: port, "GET", path) }
        #expect(booked.status == 200 && booked.body.contains("You are booked"))
        let madeUp = try await onThread { try LoopbackHTTP.send(port: port, "GET", "/book/lead-1") }
        #expect(madeUp.status == 404 && !madeUp.body.contains("Lead 1"))
        let stopped = try await baton.terminate(within: .seconds(60))
        #expect(stopped?.status == 0, "\(baton.log.suffix(2000))")
    }
}
