import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request sent and answered synchronously (the dispatcher and the calendar sync run on
/// their own thread), with basic authentication and a timeout.
struct HTTPExchange: Sendable {
    let username: String?
    let password: String?
    let timeout: TimeInterval
    /// A bearer token instead of a user name and password.
    var bearer: String? = nil

    struct Answer {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) throws -> Answer {
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
        let result = Mutex<Result<Answer, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Self.session.dataTask(with: request) { data, response, error in
            result.withLock {
                if let error {
                    $0 = .failure(error)
                } else {
                    $0 = .success(Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data ?? Data()))
                }
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw HTTPExchangeError("\(method) \(url.absoluteString): no answer within \(Int(timeout)) s")
        }
        switch result.withLock({ $0 })! {
        case .success(let answer): return answer
        case .failure where Self.refuser.challenged(task.taskIdentifier):
            // The challenge refused below: the server would not take these credentials.
            return Answer(status: 401, body: Data())
        case .failure(let error):
            throw HTTPExchangeError("\(method) \(url.absoluteString): \(error.localizedDescription)")
        }
    }
}

extension HTTPExchange {
    /// A session that meets authentication challenges by refusing them: the credentials go in the
    /// request's header, so a challenge means they were refused (the shared session would wait
    /// on a challenge it cannot meet). A refused challenge ends the task; it reads as HTTP 401.
    static let refuser = ChallengeRefuser()
    static let session = URLSession(configuration: .ephemeral, delegate: refuser, delegateQueue: nil)

    final class ChallengeRefuser: NSObject, URLSessionTaskDelegate, Sendable {
        private let tasks = Mutex<Set<Int>>([])

        func challenged(_ task: Int) -> Bool { tasks.withLock { $0.remove(task) != nil } }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            _ = tasks.withLock { $0.insert(task.taskIdentifier) }
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }
}

/// A request that got no answer.
struct HTTPExchangeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
