import Blueprint
import Foundation
import Mail

/// One event posted to a tool that accepts webhooks: a queued `webhook.post` action.
public struct WebhookPost: Sendable, Equatable {
    /// The outbox item it carries out.
    public let id: Int64
    /// The action's idempotency key, sent as `Idempotency-Key` so the receiver can drop a repeat.
    public let key: String
    /// Which of the blueprint's webhooks (its position in `connectors.crm.settings.webhooks`).
    public let hook: Int
    /// The JSON body.
    public let body: String
}

/// Posts webhooks (module `Connectors`: signed with HMAC-SHA256 like the intake's requests).
public protocol WebhookConnector: Sendable {
    /// Posts each one; returns each one's outcome by outbox id (no answer in time gives `.retry`).
    func deliver(_ posts: [WebhookPost]) async -> [Int64: DeliveryOutcome]
}

/// The blueprint's outgoing webhooks: `connectors.crm.settings.webhooks`, a list of
/// `{url, secret: ${env:NAME}, events: [lead.qualified, meeting.booked]}`.
public struct WebhookSubscriptions: Sendable {
    /// For each webhook, by position, the event types it wants.
    public let events: [Set<String>]

    public init(_ blueprint: Blueprint) {
        guard case .list(let hooks) = blueprint.connectors.crm.settings["webhooks"] else {
            events = []
            return
        }
        events = hooks.map { hook in
            guard case .map(let settings) = hook, case .list(let types) = settings["events"] else { return [] }
            return Set(types.compactMap(\.string))
        }
    }

    /// The webhooks (by position) that want events of this type.
    public func hooks(for type: String) -> [Int] {
        events.indices.filter { events[$0].contains(type) }
    }

    /// The action of a queued post.
    public static let action: ActionKind = "webhook.post"
}
