#if canImport(Glibc)
    import Glibc
#endif

/// How many heaps the C allocator keeps for the runtime's threads. glibc gives threads that
/// contend for the heap arenas of their own, up to eight per core, and memory freed in one arena
/// serves only that arena: for a runtime whose work hops between the cooperative threads, the
/// database's writer and readers, and the dispatcher, that is megabytes held apart. Too few, and
/// the threads wait for each other's arena: with one arena per core, the orchestrator benchmark
/// spent about 5 % of its CPU waking and waiting on the arena locks (the case tasks allocate what
/// the writer frees). Four per core measured 172 against 180 µs of CPU a lead in sixteen
/// alternating runs, for 1.3–2.5 MiB more peak memory.
public enum MallocArenas {
    /// Arenas per core.
    static let perCore = 4

    /// Limits the allocator to ``perCore`` arenas per core, unless `MALLOC_ARENA_MAX` in the
    /// environment already says how many. Call once, first thing in a runtime process.
    public static func limit() {
        #if canImport(Glibc)
            // `mallopt` is declared in malloc.h, which the Glibc module does not bring in.
            guard getenv("MALLOC_ARENA_MAX") == nil,
                let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
            else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let arenaMax: Int32 = -8  // M_ARENA_MAX
            let cores = Int32(truncatingIfNeeded: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, cores * Int32(perCore))
        #endif
    }
}
