import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request sent and answered through async-http-client (SwiftNIO), with basic (or bearer)
/// authentication and a timeout on the whole exchange, answer included: a server that accepts the
/// connection and never answers costs `timeout` seconds and an error, never a blocked thread.
/// (Foundation's URLSession on Linux polled its libcurl sockets from a dispatch source and burnt
/// a core while requests waited; NIO's event loop sleeps in epoll until bytes come.)
struct HTTPExchange: Sendable {
    let username: String?
    let password: String?
    let timeout: TimeInterval
    /// A bearer token instead of a user name and password.
    var bearer: String? = nil

    struct Answer: Sendable {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The largest answer body read; a larger one is an error, not a memory bill.
    static let maximumBody = 8 * 1024 * 1024

    func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let bearer {
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(bearer)")
        } else if let username, let password {
            let credentials = Data("\(username):\(password)".utf8).base64EncodedString()
            request.headers.replaceOrAdd(name: "Authorization", value: "Basic \(credentials)")
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let timeout = timeout
        let outcome: Result<Answer, Error>
        do {
            // The client's deadline bounds the request; the race bounds the body's reading too.
            outcome = .success(
                try await withThrowingTaskGroup(of: Answer.self) { group in
                    group.addTask { [request] in
                        let response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeout * 1e9)))
                        let collected = try await response.body.collect(upTo: Self.maximumBody)
                        return Answer(status: Int(response.status.code), body: Data(collected.readableBytesView))
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(timeout + 1))
                        throw Deadline()
                    }
                    defer { group.cancelAll() }
                    return try await group.next()!
                })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let answer):
            return answer
        case .failure(let error) where Self.isTimeout(error):
            throw HTTPExchangeError("\(method) \(url.absoluteString): no answer within \(Self.seconds(timeout)) s")
        case .failure(let error) where error is NIOTooManyBytesError:
            throw HTTPExchangeError("\(method) \(url.absoluteString): answer larger than \(Self.maximumBody / 1_048_576) MiB")
        case .failure(let error):
            throw HTTPExchangeError("\(method) \(url.absoluteString): \(error)")
        }
    }

    /// The exchange's own deadline passed.
    private struct Deadline: Error {}

    private static func isTimeout(_ error: Error) -> Bool {
        if error is Deadline { return true }
        guard let error = error as? HTTPClientError else { return false }
        return error == .deadlineExceeded || error == .connectTimeout || error == .readTimeout
            || error == .writeTimeout
    }

    /// `30`, or `0.5`: a timeout as people write it.
    static func seconds(_ interval: TimeInterval) -> String {
        interval.rounded() == interval ? String(Int(interval)) : String(interval)
    }
}

extension HTTPExchange {
    /// The one client every exchange shares (its connection pool and NIO's singleton event loops).
    /// `HTTPClient.shared` allows 8 connections per host, the rest queued with their deadline
    /// running: 20 leads on a model that takes 15 s would take three rounds. The callers bound their
    /// own concurrency (the engine's cases, each connector's limit). A refused connection is an
    /// error at once (the dispatcher retries), not retried until the deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

/// A request that got no answer.
struct HTTPExchangeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
