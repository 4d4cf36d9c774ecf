import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request sent and answered through URLSession's async API, with basic (or bearer)
/// authentication and a timeout on the whole exchange: a server that accepts the connection and
/// never answers costs `timeout` seconds and an error, never a blocked thread.
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

    func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let bearer {
            request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
        } else if let username, let password {
            let credentials = Data("\(username):\(password)".utf8).base64EncodedString()
            request.setValue("Basic \(credentials)", forHTTPHeaderField: "Authorization")
        }
        // Marks the request, so the session's delegate can say whether this one was challenged.
        let exchange = UUID().uuidString
        request.setValue(exchange, forHTTPHeaderField: Self.exchangeHeader)
        defer { _ = Self.refuser.challenged(exchange) }
        let timeout = timeout
        let outcome: Result<(Data, URLResponse), Error>
        do {
            // URLSession's own timeout is an idle timeout between bytes; the race bounds the whole exchange.
            outcome = .success(
                try await withThrowingTaskGroup(of: (Data, URLResponse).self) { group in
                    group.addTask { [request] in try await Self.session.data(for: request) }
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
        case .success(let (data, response)):
            return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
        case .failure where Self.refuser.challenged(exchange):
            // The challenge refused below: the server would not take these credentials.
            return Answer(status: 401, body: Data())
        case .failure(let error) where error is Deadline || (error as? URLError)?.code == .timedOut:
            throw HTTPExchangeError("\(method) \(url.absoluteString): no answer within \(Self.seconds(timeout)) s")
        case .failure(let error):
            throw HTTPExchangeError("\(method) \(url.absoluteString): \(error.localizedDescription)")
        }
    }

    /// The exchange's own deadline passed.
    private struct Deadline: Error {}

    /// `30`, or `0.5`: a timeout as people write it.
    static func seconds(_ interval: TimeInterval) -> String {
        interval.rounded() == interval ? String(Int(interval)) : String(interval)
    }
}

extension HTTPExchange {
    /// The header that names a request to the challenge refuser (sent to the server too: harmless).
    static let exchangeHeader = "X-Baton-Exchange"

    /// A session that meets authentication challenges by refusing them: the credentials go in the
    /// request's header, so a challenge means they were refused (the shared session would wait
    /// on a challenge it cannot meet). A refused challenge ends the task; it reads as HTTP 401.
    static let refuser = ChallengeRefuser()
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        // Foundation's default is 6 connections per host, the rest queued with their deadline
        // running: 20 leads on a model that takes 15 s took four rounds, and the last leads timed
        // out. The callers bound their own concurrency (the engine's cases, each connector's limit).
        configuration.httpMaximumConnectionsPerHost = 256
        return URLSession(configuration: configuration, delegate: refuser, delegateQueue: nil)
    }()

    final class ChallengeRefuser: NSObject, URLSessionTaskDelegate, Sendable {
        private let exchanges = Mutex<Set<String>>([])

        /// Whether the request marked `exchange` was challenged (and forgets it).
        func challenged(_ exchange: String) -> Bool { exchanges.withLock { $0.remove(exchange) != nil } }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            if let exchange = task.originalRequest?.value(forHTTPHeaderField: HTTPExchange.exchangeHeader) {
                _ = exchanges.withLock { $0.insert(exchange) }
            }
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }
}

/// A request that got no answer.
struct HTTPExchangeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
