#if canImport(Glibc)
    import Glibc
#endif

/// How many heaps the C allocator keeps for the runtime's threads. glibc gives threads that
/// contend for the heap arenas of their own, up to eight per core, and memory freed in one arena
/// serves only that arena: for a runtime whose work hops between the cooperative threads, the
/// database's writer and readers, and the dispatcher, that is megabytes held apart. One arena per
/// core keeps the contention low and the heap in one piece.
public enum MallocArenas {
    /// Limits the allocator to one arena per core (at least two), unless `MALLOC_ARENA_MAX` in
    /// the environment already says how many. Call once, first thing in a runtime process.
    public static func limitToCores() {
        #if canImport(Glibc)
            // `mallopt` is declared in malloc.h, which the Glibc module does not bring in.
            guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
            else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let arenaMax: Int32 = -8  // M_ARENA_MAX
            let cores = Int32(truncatingIfNeeded: max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, cores)
        #endif
    }
}
