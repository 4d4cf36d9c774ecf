/// Where emails go: the embedded `.eml` folder, or an SMTP server (module `Connectors`). The
/// dispatcher (module `Orchestrator`) hands them over.
public protocol EmailConnector: Sendable {
    /// Delivers a batch; returns each email's outcome by outbox id. Never hangs: a server that does
    /// not answer within the connector's timeout gives `.retry` (the dispatcher runs the connectors
    /// side by side, so a slow one delays only its own sends).
    func deliver(_ emails: [OutgoingEmail]) async -> [Int64: DeliveryOutcome]

    /// Whether the email with this idempotency key is known to have left already (before a crash):
    /// it is then only recorded, whatever else has changed since.
    func alreadyDelivered(key: String) -> Bool
}

extension EmailConnector {
    /// A server gives no way to ask: the Message-ID makes a repeat recognisable instead.
    public func alreadyDelivered(key: String) -> Bool { false }
}
