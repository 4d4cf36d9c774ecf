// swift-tools-version: 6.1
import PackageDescription

/// How the release executables are linked on Linux: by lld (the toolchain's own) with relative
/// relocations packed (DT_RELR; glibc 2.36, as Debian 12 has it). gold's table of 130,000 relative
/// relocations is read whole at every start and stays resident: about 5 MiB of each process.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
        .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "baton", targets: ["baton"]),
        .executable(name: "baton-runtime", targets: ["baton-runtime"]),
        .executable(name: "baton-bench", targets: ["baton-bench"]),
        .executable(name: "baton-bench-intake", targets: ["baton-bench-intake"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Where a file Baton reads is wrong: positions, issues, the strict parameter-file decoder, spelling hints.
        .target(name: "Diagnostics", dependencies: [.product(name: "Yams", package: "Yams")]),
        // The questionnaire pack model, loader, linter, expression language and interview state machine.
        .target(name: "Questionnaire", dependencies: ["Diagnostics", .product(name: "Yams", package: "Yams")]),
        // Raw-mode terminal prompts, key decoding, progress bar, colours and the line-mode fallback.
        .target(name: "TerminalUI"),
        // The blueprint: the chosen agent system as a validated config (schema, validation, YAML/JSON, JSON Schema).
        .target(name: "Blueprint", dependencies: ["Diagnostics", "Outcomes", .product(name: "Yams", package: "Yams")]),
        // The scoring model: opportunities, savings, ROI, cost tier and readiness, each with its reasons.
        .target(
            name: "Scoring",
            dependencies: [
                "Diagnostics", "Questionnaire", "Blueprint", "Outcomes", .product(name: "Yams", package: "Yams"),
            ]),
        // Reports: print-ready HTML (and PDF), Markdown, JSON and CSV from editable templates, with SVG charts.
        .target(
            name: "Reports",
            dependencies: [
                "Scoring", "Questionnaire", "Blueprint", "Diagnostics", "CSV", "Outcomes", "Spawning",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // CSV as RFC 4180 has it: the CRM import and export, and the reports' CSV cells.
        .target(name: "CSV"),
        // Mail: the email connector's seam, MIME messages, the durable `.eml` folder and its batch writer.
        .target(name: "Mail", dependencies: ["CFileSync", "Hashing"]),
        // SHA-256 in plain Swift: fingerprints (MIME boundaries, content digests) without a crypto library.
        .target(name: "Hashing"),
        // The runtime: durable events, skills, the policy gate, the outbox and the audit log.
        .target(
            name: "Orchestrator",
            dependencies: [
                "Blueprint", "Mail", "CSV", "Signing", "Outcomes", "CSQLiteSettings",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Measured outcomes: the KPI snapshot the runtime exports and the review reads, and its digest.
        .target(name: "Outcomes", dependencies: ["Hashing"]),
        // The HMAC signature of a request body, as the intake checks it and the webhooks send it.
        .target(name: "Signing", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The runtime's store on PostgreSQL: several workers sharing one database, a schema per business.
        // Only the runtime side links it; the assessment side never does.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Orchestrator", "Blueprint", "Mail", "Signing", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The connectors to the tools a business already has: SMTP (SwiftNIO, TLS by swift-nio-ssl).
        .target(
            name: "Connectors",
            dependencies: [
                "Orchestrator", "Mail", "Blueprint", "Signing", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // The HTTP side of `baton run` (Hummingbird): the authenticated intake, health and metrics.
        .target(
            name: "Server",
            dependencies: [
                "Orchestrator", "Blueprint", "Signing", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]),
        // syncfs(2), which Glibc's Swift module does not expose: one flush for a batch of outbox files.
        .target(name: "CFileSync"),
        // SQLite's process-wide settings, applied as the process loads (sqlite3_config is variadic, and
        // SQLite takes it only before its first connection): memory statistics off.
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // Starting child processes (posix_spawn) without Foundation's Process, which can crash its
        // parent on Linux while it lists /proc/self/fd; CSpawn shows the two glibc calls Swift does not.
        .target(name: "CSpawn"),
        .target(name: "Spawning", dependencies: ["CSpawn"]),
        // The consultant's SQLite workspace: assessment sessions and every answer as it is given.
        .target(
            name: "Workspace",
            dependencies: ["Questionnaire", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The questionnaire packs and report templates compiled into the binary (scripts/bundle-resources).
        .target(name: "BundledResources"),
        // Drives an interview through a terminal (or a pipe, or an answers file) and saves as it goes.
        .target(
            name: "AssessmentFlow",
            dependencies: [
                "Diagnostics", "Questionnaire", "TerminalUI", "Workspace", "Scoring", "Reports", "Blueprint", "Outcomes",
                "BundledResources",
            ]),
        // What both executables share: failures and exit codes, safe printing, the runtime's clock, days.
        .target(
            name: "CommandSupport",
            dependencies: ["TerminalUI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The command-line front end of the assessment side; it hands the runtime's subcommands to
        // baton-runtime beside it, so it builds without SwiftNIO, Hummingbird or BoringSSL.
        .executableTarget(
            name: "baton",
            dependencies: [
                "Diagnostics", "Questionnaire", "TerminalUI", "Workspace", "AssessmentFlow", "Scoring", "Reports",
                "Blueprint", "Outcomes", "BundledResources", "CommandSupport", "Spawning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: releaseLinking
        ),
        // The runtime's commands (`baton run`, `event`, `approvals`, `cases`…), which baton runs.
        .executableTarget(
            name: "baton-runtime",
            dependencies: [
                "Diagnostics", "CSV", "Questionnaire", "TerminalUI", "Workspace", "AssessmentFlow", "Reports", "Blueprint",
                "Orchestrator", "Mail", "Connectors", "Server", "Outcomes", "CommandSupport", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: releaseLinking
        ),
        // Benchmarks that print figures (run in release).
        .executableTarget(
            name: "baton-bench",
            dependencies: [
                "Scoring", "Reports", "AssessmentFlow", "Orchestrator", "Blueprint", "Questionnaire", "Spawning",
                // `orchestrator --store URL`: the same flow on PostgreSQL, its workers processes of their own.
                "PostgresStore",
                // The loopback HTTP client `slow-model` times requests with, shared with the tests.
                "BatonTestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The throughput run drives the engine as `baton run` does: its service, in a group.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: releaseLinking
        ),
        // The intake benchmark, apart: linking the HTTP server into baton-bench would weigh on the
        // orchestrator benchmark's memory figure.
        .executableTarget(
            name: "baton-bench-intake",
            dependencies: [
                "Server", "Orchestrator", "Spawning", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: releaseLinking
        ),
        // Helpers shared by the test targets: a pseudo-terminal driver and a runner for the real binary.
        .target(name: "BatonTestSupport", dependencies: ["Spawning"], path: "Tests/BatonTestSupport"),
        // Reads the import lines of Sources/ against the module table of docs/architecture.md.
        .testTarget(name: "ArchitectureTests", dependencies: ["BatonTestSupport"]),
        .testTarget(name: "SpawningTests", dependencies: ["Spawning", "BatonTestSupport"]),
        .testTarget(name: "QuestionnaireTests", dependencies: ["Questionnaire", "Diagnostics", "BatonTestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "BatonTestSupport"]),
        .testTarget(
            name: "BlueprintTests",
            dependencies: [
                "Blueprint", "Diagnostics", "Scoring", "Questionnaire", "Reports", "Outcomes", "BatonTestSupport",
                "Spawning",
            ],
            exclude: ["Golden"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Orchestrator", "Blueprint", "BatonTestSupport", "Spawning",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Peers"]),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: ["Connectors", "Orchestrator", "Mail", "Blueprint", "Signing", "BatonTestSupport", "Spawning"],
            exclude: ["Peers"]),
        .testTarget(name: "MailTests", dependencies: ["Mail", "Hashing", "BatonTestSupport", "Spawning"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "BatonTestSupport"]),
        .testTarget(
            name: "OrchestratorTests",
            // Scoring, Questionnaire, Reports and Outcomes for the review after N days measured end to end
            // (OutcomeReviewTests): the assessment's blueprint run, exported and reviewed in one process.
            dependencies: [
                "Orchestrator", "Mail", "Blueprint", "CSV", "BatonTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLiteSettingsTests read SQLite's own count of its allocations.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "Scoring", "Questionnaire", "Reports", "Outcomes",
                // EngineServiceTests run the engine service in a service group.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The store semantics both stores share (SQLite and a throwaway PostgreSQL started by the test).
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: [
                "PostgresStore", "Orchestrator", "Blueprint", "BatonTestSupport", "Spawning",
                // Workers' services run in a service group and stop as `baton run`'s do (graceful shutdown).
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Scoring", "Questionnaire", "Blueprint", "Outcomes", "BatonTestSupport", "Spawning"],
            exclude: ["Golden", "Scripts"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Diagnostics", "Questionnaire"], exclude: ["Golden"]),
        .testTarget(
            name: "WorkspaceTests", dependencies: ["Workspace", "Questionnaire", .product(name: "GRDB", package: "GRDB.swift")]),
        // The bundled files against questionnaires/ and templates/, and writing them out.
        .testTarget(name: "BundledResourcesTests", dependencies: ["BundledResources", "BatonTestSupport"]),
        .testTarget(
            name: "AssessmentFlowTests",
            dependencies: ["AssessmentFlow", "Questionnaire", "TerminalUI", "Workspace", "Scoring"]
        ),
        // Workspace and Questionnaire only to write a workspace as an older version would have left it;
        // GRDB only to make the runtime's store refuse an event (the dead-letter test).
        .testTarget(
            name: "BatonEndToEndTests",
            dependencies: [
                "BatonTestSupport", "Spawning", "Workspace", "Questionnaire", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Peers"]),
    ],
    swiftLanguageModes: [.v6]
)
