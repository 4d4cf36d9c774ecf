/// What became of one delivery: an email, a calendar booking, a webhook post.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// A temporary failure (a 4xx reply, no connection, a timeout): tried again after a backoff.
    case retry(String)
    /// A permanent failure (a 5xx reply): dead-lettered at once.
    case dead(String)
}
