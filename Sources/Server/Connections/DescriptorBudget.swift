#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many connections the server may hold without taking the descriptors the rest of
/// `baton run` needs: the database and its WAL, outbox files, the listener, the connectors'
/// sockets, standard streams.
enum DescriptorBudget {
    /// Descriptors kept for everything but client connections.
    static let reserved = 128
    /// Refusals that may be answering at once (each holds a descriptor for its linger).
    static let refusals = 64

    /// The connection cap for `requested` under a soft descriptor limit of `softLimit`: never more
    /// than the limit leaves once the reserve and the refusals are set aside (and at least 1).
    static func connections(requested: Int, softLimit: Int) -> Int {
        max(1, min(requested, softLimit - reserved - refusals))
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard one where the system allows, and gives the soft
    /// limit now in force (nil if it cannot be read).
    static func raiseSoftLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Self.nofile, &limit) == 0 else { return nil }
        // The kernel refuses more than fs.nr_open even under an unlimited hard limit: cap the ask.
        let ceiling: rlim_t = limit.rlim_max == Self.unlimited ? 1 << 20 : limit.rlim_max
        if limit.rlim_cur != Self.unlimited && limit.rlim_cur < ceiling {
            var raised = limit
            raised.rlim_cur = ceiling
            if setrlimit(Self.nofile, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur == Self.unlimited ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// RLIM_INFINITY (all bits set), which Swift cannot import as a literal.
    private static let unlimited = rlim_t.max

    #if canImport(Glibc)
        private static var nofile: __rlimit_resource_t { __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue)) }
    #else
        private static var nofile: Int32 { RLIMIT_NOFILE }
    #endif
}
