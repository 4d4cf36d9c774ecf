import Blueprint
import Dispatch
import Foundation
import GRDB
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The server's handlers reach the store through GRDB's async reads and writes: while another
/// connection holds the write lock, sign-ins that must write wait (without holding a thread of the
/// cooperative pool), and the approvals page, the JSON API and `/metrics` are answered meanwhile.
@Suite(.serialized)
struct ReadsDuringWriteTests {
    /// Holds `BEGIN IMMEDIATE` on its own connection to the store's file, on a thread of its own,
    /// until released (or, should a test go wrong, for at most `longest`).
    final class WriteLockHolder: Sendable {
        let held = Mutex(false)
        let released = Mutex(false)
        private let release = DispatchSemaphore(value: 0)

        init(path: String, longest: DispatchTimeInterval = .seconds(600)) throws {
            let queue = try DatabaseQueue(path: path)
            DispatchQueue.global().async { [self] in
                try? queue.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "INSERT INTO runtime_meta (key, value) VALUES ('held', 'yes')")
                    held.withLock { $0 = true }
                    _ = release.wait(timeout: .now() + longest)
                    released.withLock { $0 = true }
                    try db.execute(sql: "ROLLBACK")
                }
            }
        }

        func letGo() {
            release.signal()
        }

        func waitUntilHeld() async throws {
            while !held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// A session of this test's own, without a cookie jar: the suites that run beside it sign in
    /// and out of their servers on 127.0.0.1 too (cookies ignore the port).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 120
        return URLSession(configuration: configuration, delegate: DashboardTests.NoRedirects(), delegateQueue: nil)
    }()

    static func get(_ url: URL, cookie: String? = nil, bearer: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await session.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    /// As a browser does: the sign-in form (a read) for its CSRF cookie and field, then the post.
    static func signIn(_ base: URL, token: String) async throws -> (status: Int, cookie: String?) {
        let (formData, formResponse) = try await session.data(from: base.appendingPathComponent("login"))
        let nonce =
            (formResponse as! HTTPURLResponse).value(forHTTPHeaderField: "Set-Cookie")?.split(separator: ";")
            .first.map(String.init) ?? ""
        let csrf = String(decoding: formData, as: UTF8.self).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1 ?? ""
        var request = URLRequest(url: base.appendingPathComponent("login"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue(nonce, forHTTPHeaderField: "Cookie")
        request.httpBody = Data("csrf=\(csrf)&token=\(token)".utf8)
        let (_, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return (
            http.statusCode,
            (http.value(forHTTPHeaderField: "Set-Cookie")?.split(separator: ";").first).map(String.init)
        )
    }

    final class Count: Sendable {
        let value = Mutex(0)
    }

    @Test func readsAreAnsweredWhileWritesWaitForAnotherConnectionsLock() async throws {
        // The dashboard's runtime: one lead whose first reply waits for the owner (approval #1).
        try await DashboardTests.withDashboard(inFolder: { base, _, _, token, folder in
            // Signed in before the lock is taken (opening a session is a write).
            let cookie = try #require(try await Self.signIn(base, token: token).cookie)

            let holder = try WriteLockHolder(path: folder + "/runtime.sqlite")
            defer { holder.letGo() }
            try await holder.waitUntilHeld()
            let lockedAt = ContinuousClock.now

            // More sign-ins than there are cores: each must write its session, so each waits for the lock.
            let waiting = 2 * ProcessInfo.processInfo.activeProcessorCount + 4
            let signedIn = Count()
            let signIns = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<waiting {
                        group.addTask {
                            let status = try await Self.signIn(base, token: token).status
                            signedIn.value.withLock { $0 += 1 }
                            return status
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }

            // (Time for the sign-ins to reach the store; the checks below hold whether or not they have.)
            try await Task.sleep(for: .milliseconds(300))

            // The reads are answered while the lock is still held and the sign-ins still wait for it.
            let page = try await Self.get(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(page.0 == 200)
            #expect(page.1.contains("#1: scheduler wants email.send"))
            let api = try await Self.get(base.appendingPathComponent("v1/approvals"), bearer: token)
            #expect(api.0 == 200 && api.1.contains("\"status\":\"pending\""))
            let timeline = try await Self.get(base.appendingPathComponent("cases/lead-1"), cookie: cookie)
            #expect(timeline.0 == 200 && timeline.1.contains("Case lead-1"))
            let metrics = try await Self.get(base.appendingPathComponent("metrics"))
            #expect(metrics.0 == 200 && metrics.1.contains("baton_approvals_pending 1\n"))
            #expect(!holder.released.withLock { $0 }, "the reads waited for the other connection's write")
            // A write waits for the lock up to the store's busy timeout (10 s), then fails: when the
            // reads took that long (a machine loaded by the whole suite), a sign-in may have given up.
            let held = ContinuousClock.now - lockedAt
            let withinBusyTimeout = held < .seconds(9)
            let answeredWhileHeld = signedIn.value.withLock { $0 }
            #expect(!withinBusyTimeout || answeredWhileHeld == 0, "a sign-in was answered while the lock was held")

            // Let go: the waiting writes go through, every one of them.
            holder.letGo()
            let statuses = try await signIns.value
            if withinBusyTimeout {
                #expect(statuses == Array(repeating: 303, count: waiting))
            } else {
                // Held past the busy timeout: a sign-in that gave up (then, or in the moment before
                // the lock went) answers 500; none is answered anything else.
                #expect(statuses.allSatisfy { $0 == 303 || $0 == 500 }, "the lock was held \(held): \(statuses)")
            }
        })
    }
}
