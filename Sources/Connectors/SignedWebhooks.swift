import Blueprint
import Foundation
import Mail
import Orchestrator
import Signing

/// Posts events to the tools that accept webhooks, each signed with its hook's secret and carrying
/// `Idempotency-Key`, so a retry is recognisable. 2xx: delivered; 408, 429, 5xx or no answer
/// within the timeout: retried with the dispatcher's backoff; any other 4xx: dead (the receiver
/// refuses it). At most `concurrency` posts are in flight at once.
public struct SignedWebhooks: WebhookConnector {
    public struct Hook: Sendable {
        public let url: URL
        public let secret: String
    }

    public let hooks: [Hook]
    let http: HTTPExchange
    let clock: @Sendable () -> Date
    /// Posts in flight at once, at most.
    public let concurrency: Int

    /// - Parameters:
    ///   - timeout: seconds each post may take, answer included.
    ///   - concurrency: posts in flight at once, at most.
    public init(
        hooks: [Hook], timeout: TimeInterval = 10, concurrency: Int = 4,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.hooks = hooks
        self.http = HTTPExchange(username: nil, password: nil, timeout: timeout)
        self.clock = clock
        self.concurrency = max(1, concurrency)
    }

    /// From `connectors.crm.settings.webhooks` (`url`, `secret` as `${env:NAME}`, `events`); nil without any.
    public static func make(
        for blueprint: Blueprint, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SignedWebhooks? {
        guard case .list(let list) = blueprint.connectors.crm.settings["webhooks"], !list.isEmpty else { return nil }
        let hooks = try list.enumerated().map { index, item -> Hook in
            guard case .map(let settings) = item else {
                throw ConnectorError(
                    "connectors.crm.settings.webhooks.\(index) must be a map with url, secret and events")
            }
            let read = ConnectorSettings(
                path: "connectors.crm.settings.webhooks.\(index)", settings, environment: environment)
            let text = try read.required("url")
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw ConnectorError("connectors.crm.settings.webhooks.\(index).url is not an http(s) URL: \(text)")
            }
            return Hook(url: url, secret: try read.required("secret"))
        }
        return SignedWebhooks(hooks: hooks)
    }

    public func deliver(_ posts: [WebhookPost]) async -> [Int64: DeliveryOutcome] {
        await BoundedTasks.outcomes(posts, atMost: concurrency) { post in [post.id: await deliver(post)] }
    }

    private func deliver(_ post: WebhookPost) async -> DeliveryOutcome {
        guard hooks.indices.contains(post.hook) else {
            return .dead("webhook \(post.hook) is no longer in the blueprint")
        }
        let hook = hooks[post.hook]
        let body = Data(post.body.utf8)
        // Only the host goes into the outbox and the audit log: a hook's path is often its secret.
        let place = "the webhook at \(hook.url.host ?? "?")"
        do {
            let answer = try await http.send(
                "POST", hook.url,
                headers: [
                    "Content-Type": "application/json", "Idempotency-Key": post.key,
                    "X-Baton-Signature": RequestSignature.header(secret: hook.secret, body: body, at: clock()),
                ], body: body)
            switch answer.status {
            case 200..<300: return .delivered
            case 408, 429, 500...: return .retry("\(place) answered HTTP \(answer.status)")
            default: return .dead("\(place) refused it: HTTP \(answer.status)")
            }
        } catch {
            return .retry("\(place) did not answer")
        }
    }
}
