import ArgumentParser
import Connectors
import Mail
import PostgresStore

/// `baton run`'s `--case-lease` and `--outbox-lease`: how long a worker on a PostgreSQL store
/// holds a case it read and an outbox item it is sending. A worker that dies holds them until
/// then, so the leases bound how long its work waits for another worker; a lease must outlast the
/// work it covers (a step; a send), or another worker takes that work over while it still runs.
struct LeaseOptions: ParsableArguments {
    /// The longest lease either option takes: a day.
    static let longest = 86_400

    @Option(
        name: .customLong("case-lease"),
        help: ArgumentHelp(
            "Seconds a worker holds a case it is working on (with --store).",
            discussion: """
                Default: \(Self.seconds(\.caseLease)). A worker that dies holds its cases that long; another then \
                takes their events, in order. 1 to \(Self.longest).
                """,
            valueName: "seconds"))
    var caseLease: Int?

    @Option(
        name: .customLong("outbox-lease"),
        help: ArgumentHelp(
            "Seconds a worker holds an email, a calendar write or a webhook it is sending (with --store).",
            discussion: """
                Default: \(Self.seconds(\.outboxLease)). A worker that dies holds what it was sending that long; \
                another then sends it. Longer than the email connector's timeout_seconds, or a slow send could \
                be taken over and sent twice. 1 to \(Self.longest).
                """,
            valueName: "seconds"))
    var outboxLease: Int?

    func validate() throws {
        for (name, value) in [("--case-lease", caseLease), ("--outbox-lease", outboxLease)] {
            if let value, !(1...Self.longest).contains(value) {
                throw ValidationError("\(name) must be 1 to \(Self.longest) seconds, not \(value)")
            }
        }
    }

    /// Whether either lease was given (they mean something only on a PostgreSQL store).
    var given: Bool { caseLease != nil || outboxLease != nil }

    /// The store's limits with the leases given.
    var limits: PostgresStore.Limits {
        var limits = PostgresStore.Limits()
        if let caseLease { limits.caseLease = .seconds(caseLease) }
        if let outboxLease { limits.outboxLease = .seconds(outboxLease) }
        return limits
    }

    /// Refuses an outbox lease that a send by `email` may outlast: SMTP waits up to its timeout for
    /// each reply, so a shorter lease lets another worker send a message still being sent.
    func check(against email: any EmailConnector) throws {
        guard let outboxLease, let smtp = email as? SMTPConnector, Double(outboxLease) <= smtp.timeout else { return }
        throw Failure(
            """
            --outbox-lease \(outboxLease) is not longer than the email connector's timeout_seconds \
            (\(Int(smtp.timeout))): another worker could send an email this one is still sending; give more \
            seconds, or a shorter timeout_seconds
            """)
    }

    /// A default lease in seconds, for the help.
    private static func seconds(_ lease: KeyPath<PostgresStore.Limits, Duration>) -> Int {
        Int(PostgresStore.Limits()[keyPath: lease].components.seconds)
    }
}
