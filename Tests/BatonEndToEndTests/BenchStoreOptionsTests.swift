import BatonTestSupport
import Foundation
import Testing

/// `baton-bench orchestrator --store URL --workers N,N,…`: what it refuses, before any work, with a
/// clear error and a non-zero exit (never a crash, never the input's terminal controls echoed).
/// The figures themselves are `scripts/bench-postgres`'s, not a test's.
@Suite
struct BenchStoreOptionsTests {
    /// `baton-bench`, built beside `baton`.
    static var bench: String {
        URL(fileURLWithPath: BatonBinary.path).deletingLastPathComponent().appendingPathComponent("baton-bench").path
    }

    static let url = "postgres://bench@127.0.0.1:5432/bench?sslmode=disable"

    /// Runs `baton-bench orchestrator` with `arguments`; checks it was refused as a usage error
    /// saying `expected`, and printed nothing a terminal would act on.
    static func expectRefused(_ arguments: [String], saying expected: String) async throws {
        let result = try await BatonBinary.run(["orchestrator"] + arguments, executable: bench)
        #expect(result.status == 64, "\(arguments.debugDescription) exited with \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(arguments.debugDescription): \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(arguments.debugDescription) printed \(result.stdout)")
        #expect(
            !result.stderr.unicodeScalars.contains(where: HostileText.isTerminalControl),
            "\(arguments.debugDescription): a terminal control in \(result.stderr.debugDescription)")
    }

    @Test("bad --workers lists are refused, naming the option")
    func badWorkerLists() async throws {
        for workers in [
            "", ",", "0", "17", "-1", "1,,2", "1,", ",1", "1,1", "2,4,2", "1.5", " 1", "1 ", "one", "1;2", "0x2",
            "99999999999999999999", "1,2,3,4,5,6,7,8,9", "١", "1\u{1B}[2J", "\u{202E}4",
        ] {
            try await Self.expectRefused(["--store", Self.url, "--workers", workers], saying: "--workers")
        }
    }

    @Test("generated --workers lists: each is refused or, when every count is 1 to 16 once, not for --workers")
    func generatedWorkerLists() async throws {
        var random = SplitMix(seed: 16)
        let pieces = ["1", "2", "4", "16", "17", "0", "-3", "x", "", " ", "\u{1B}[31m", "\u{7}", "🚀", "3", "8", "1e1"]
        for _ in 0..<60 {
            let parts = (0..<(1 + random.below(10))).map { _ in random.pick(pieces) }
            let list = parts.joined(separator: random.chance(80) ? "," : ";")
            let counts = list.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            let valid =
                !list.isEmpty && counts.count <= 8 && counts.allSatisfy { ($0 ?? 0) >= 1 && ($0 ?? 0) <= 16 }
                && Set(counts).count == counts.count
            guard !valid else { continue }
            try await Self.expectRefused(["--store", Self.url, "--workers", list], saying: "--workers")
        }
    }

    @Test("a --runs count outside 1 to 15 is refused, naming the option")
    func badRunCounts() async throws {
        for runs in ["0", "16", "1000", "three", "", "1\u{1B}[2J"] {
            try await Self.expectRefused(["--runs", runs], saying: "--runs")
        }
    }

    @Test("bad --store URLs are refused before any work, the password never shown")
    func badURLs() async throws {
        for (url, reason) in [
            ("mysql://u@h/db", "must start with postgres://"),
            ("postgres://", "names no host"),
            ("postgres://h/db", "names no user"),
            ("postgres://u:s3cret@h:99999/db", "port must be 1 to 65535"),
            ("postgres://u:s3cret@h/db?sslmode=always", "sslmode must be one of"),
            ("postgres://u@h/db?timeout=3", "unknown parameter"),
            ("postgres://u@h/a/b", "cannot contain '/'"),
            ("postgres://u@h/db\u{1B}]0;owned\u{07}", "--store"),
            ("postgres://u@h/db%1B%5B2J", "control characters"),
            ("postgres://u%E2%80%AE@h/db", "control characters"),
            (String(repeating: "x", count: 5000), "--store"),
        ] {
            try await Self.expectRefused(["--store", url], saying: reason)
            let result = try await BatonBinary.run(["orchestrator", "--store", url], executable: Self.bench)
            #expect(!result.stderr.contains("s3cret"), "the password was shown: \(result.stderr)")
        }
    }

    @Test("--workers without --store, and --store with --history, are refused")
    func optionPairs() async throws {
        try await Self.expectRefused(["--workers", "1,2"], saying: "--workers needs --store")
        try await Self.expectRefused(["--store", Self.url, "--history", "10"], saying: "--history runs on SQLite only")
        try await Self.expectRefused(["--leads", "0"], saying: "--leads")
    }

    @Test("a server that is not there: a clear error naming it, without its password, and a non-zero exit")
    func noServer() async throws {
        let port = LoopbackPort.free()
        let result = try await BatonBinary.run(
            [
                "orchestrator", "--store", "postgres://bench:s3cret@127.0.0.1:\(port)/bench?sslmode=disable", "--leads",
                "1",
            ],
            executable: Self.bench)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot open the PostgreSQL store at postgres://bench@127.0.0.1:\(port)/bench"))
        #expect(!result.stderr.contains("s3cret"))
        #expect(!result.stdout.contains("leads/s"), "it measured before finding the server gone: \(result.stdout)")
    }
}
