import BatonTestSupport
import Foundation
import Testing

/// The module graph as a fact: every `import` in `Sources/<Module>/**/*.swift` must be one the
/// architecture allows. The table below is the one `docs/architecture.md` draws, and a test checks
/// that the two say the same thing.
struct ModuleImportTests {
    /// What each module may import, besides the system modules. Keep in step with the table in
    /// `docs/architecture.md` ("may import").
    static let allowed: [String: Set<String>] = [
        "Diagnostics": ["Yams"],
        "CSV": [],
        "CFileSync": [],
        "CSQLiteSettings": [],
        "CSpawn": [],
        "Spawning": ["CSpawn"],
        "TerminalUI": [],
        "Questionnaire": ["Diagnostics", "Yams"],
        "Blueprint": ["Diagnostics", "Outcomes", "Yams"],
        "Hashing": [],
        "Outcomes": ["Hashing"],
        "Scoring": ["Diagnostics", "Questionnaire", "Blueprint", "Outcomes", "Yams"],
        "Reports": [
            "Diagnostics", "CSV", "Questionnaire", "Scoring", "Blueprint", "Outcomes", "Spawning", "Mustache", "Yams",
        ],
        "Workspace": ["Questionnaire", "GRDB"],
        "BundledResources": [],
        "AssessmentFlow": [
            "Diagnostics", "Questionnaire", "TerminalUI", "Workspace", "Scoring", "Reports", "Blueprint", "Outcomes",
            "BundledResources",
        ],
        "Mail": ["CFileSync", "Hashing"],
        "Orchestrator": [
            "Blueprint", "Mail", "CSV", "Signing", "Outcomes", "CSQLiteSettings", "GRDB", "GRDBSQLite",
            "ServiceLifecycle",
        ],
        "Signing": ["Crypto"],
        "Connectors": [
            "Orchestrator", "Mail", "Blueprint", "Signing", "NIOCore", "NIOPosix", "NIOSSL", "NIOHTTP1",
            "AsyncHTTPClient",
        ],
        "Server": [
            "Orchestrator", "Blueprint", "Signing", "Hummingbird", "HummingbirdCore", "HTTPTypes", "Logging", "Crypto",
            "NIOCore", "NIOHTTPTypes",
        ],
        "baton": [
            "Diagnostics", "Questionnaire", "TerminalUI", "Workspace", "AssessmentFlow", "Scoring", "Reports", "Blueprint",
            "Outcomes", "ArgumentParser", "BundledResources", "CommandSupport", "Spawning",
        ],
        "baton-runtime": [
            "Diagnostics", "CSV", "Questionnaire", "TerminalUI", "Workspace", "AssessmentFlow", "Reports", "Blueprint",
            "Orchestrator", "Mail", "Connectors", "Server", "Outcomes", "ArgumentParser", "ServiceLifecycle", "Logging",
            "CommandSupport", "PostgresStore",
        ],
        "CommandSupport": ["TerminalUI", "ArgumentParser"],
        "baton-bench": [
            "Scoring", "Reports", "AssessmentFlow", "Orchestrator", "Blueprint", "Questionnaire", "ArgumentParser",
            "BatonTestSupport", "ServiceLifecycle", "Logging", "PostgresStore", "Spawning",
        ],
        "baton-bench-intake": ["Server", "Orchestrator", "ArgumentParser", "Spawning"],
        "PostgresStore": ["Orchestrator", "Blueprint", "Mail", "Signing", "PostgresNIO", "NIOCore", "NIOSSL", "Logging"],
    ]

    /// Modules of the toolchain and the system, allowed everywhere.
    static let system: Set<String> = [
        "Swift", "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch",
        "Synchronization", "Glibc", "Musl", "Darwin", "os", "_Concurrency", "Observation",
    ]

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift file under `Sources/`, by module.
    static func sources() throws -> [(module: String, path: String, text: String)] {
        let sources = packageRoot.appendingPathComponent("Sources")
        let modules = try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted()
        var files: [(module: String, path: String, text: String)] = []
        for module in modules where !module.hasPrefix(".") {
            let folder = sources.appendingPathComponent(module)
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = folder.appendingPathComponent(relative).path
                files.append(
                    (module, "Sources/\(module)/\(relative)", try String(contentsOfFile: path, encoding: .utf8)))
            }
        }
        return files
    }

    // MARK: - The project's own sources

    @Test func everyImportInSourcesIsOneTheArchitectureAllows() throws {
        let files = try Self.sources()
        #expect(files.count > 50, "found only \(files.count) Swift files under \(Self.packageRoot.path)/Sources")
        let violations = ImportCheck.violations(in: files, allowed: Self.allowed, system: Self.system)
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    /// The storage seam: inside the runtime, only the SQLite store (`Orchestrator/Store/`) speaks
    /// GRDB; the engine, the dispatcher, the jobs and the reports use the `RuntimeStorage` protocol.
    @Test func onlyTheSQLiteStoreImportsGRDBInTheRuntime() throws {
        let files = try Self.sources().filter { $0.module == "Orchestrator" }
        #expect(files.contains { $0.path.hasPrefix("Sources/Orchestrator/Store/") })
        for file in files where !file.path.hasPrefix("Sources/Orchestrator/Store/") {
            let grdb = ImportCheck.imports(in: file.text).filter { $0.module.hasPrefix("GRDB") }
            #expect(grdb.isEmpty, "\(file.path):\(grdb.first?.line ?? 0) imports GRDB outside the store")
        }
    }

    @Test func everyModuleFolderIsInTheTable() throws {
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: Self.packageRoot.appendingPathComponent("Sources").path
        ).filter { !$0.hasPrefix(".") }
        for folder in folders {
            #expect(Self.allowed[folder] != nil, "Sources/\(folder) is not in the architecture's table")
        }
        for module in Self.allowed.keys {
            #expect(folders.contains(module), "the table names \(module), which has no folder in Sources/")
        }
    }

    /// Imports only go down: no module reaches itself through what it may import.
    @Test func theAllowedGraphHasNoCycle() {
        for start in Self.allowed.keys.sorted() {
            var seen: Set<String> = []
            var stack = Array(Self.allowed[start] ?? [])
            while let next = stack.popLast() {
                #expect(next != start, "\(start) can reach itself through its imports")
                if next == start || !seen.insert(next).inserted { continue }
                stack += Self.allowed[next] ?? []
            }
        }
    }

    /// The split this map exists for: the runtime does not link the questionnaire engine, and the
    /// assessment side does not link the runtime (nor GRDB through it).
    @Test func theAssessmentAndTheRuntimeStayApart() {
        func reach(_ module: String) -> Set<String> {
            var seen: Set<String> = []
            var stack = [module]
            while let next = stack.popLast() {
                for dependency in Self.allowed[next] ?? [] where seen.insert(dependency).inserted {
                    stack.append(dependency)
                }
            }
            return seen
        }
        #expect(!reach("Blueprint").contains("Questionnaire"))
        #expect(!reach("Orchestrator").contains("Questionnaire"))
        #expect(!reach("Reports").contains("Orchestrator"))
        #expect(!reach("Reports").contains("GRDB"))
        #expect(!reach("Scoring").contains("Orchestrator"))
        // The KPI snapshot both sides read is a leaf: it links neither side.
        #expect(reach("Outcomes").isDisjoint(with: ["Orchestrator", "GRDB", "Questionnaire", "Scoring", "Reports"]))
        // Mail is a leaf the runtime and the connectors share: it links neither, nor GRDB.
        #expect(reach("Mail").isDisjoint(with: ["Orchestrator", "Connectors", "GRDB"]))
        // The server takes requests and reads the store; it never reaches into the connectors.
        #expect(!reach("Server").contains("Connectors"))
        // baton, the README's first command, builds without the runtime and its network and crypto stack.
        #expect(
            reach("baton").isDisjoint(with: [
                "Orchestrator", "Connectors", "Server", "Mail", "Signing", "NIOCore", "NIOPosix", "NIOSSL", "NIOHTTP1",
                "Hummingbird", "HummingbirdCore", "AsyncHTTPClient", "Crypto", "ServiceLifecycle", "PostgresNIO",
            ]))
    }

    /// `docs/architecture.md` draws the same table: each module row's "may import" column lists
    /// exactly the modules allowed here (system modules aside).
    @Test func theDocumentedTableIsTheCheckedOne() throws {
        let doc = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let documented = ImportCheck.documentedTable(doc)
        #expect(
            Set(documented.keys) == Set(Self.allowed.keys),
            "modules in docs/architecture.md: \(documented.keys.sorted())")
        for (module, imports) in Self.allowed {
            #expect(
                documented[module] == imports,
                "\(module): docs say \(documented[module]?.sorted() ?? []), the test allows \(imports.sorted())")
        }
    }

    // MARK: - The checker itself

    /// The hand check, kept: `import Orchestrator` in a Reports file is caught, with where.
    @Test func aForbiddenImportIsReportedWithItsFileAndLine() {
        let files = [
            (
                module: "Reports", path: "Sources/Reports/Render/X.swift",
                text: "import Foundation\nimport Mustache\nimport Orchestrator\n"
            ),
            (
                module: "Blueprint", path: "Sources/Blueprint/Y.swift",
                text: "import Diagnostics\n@testable import Questionnaire\n"
            ),
            (module: "Nowhere", path: "Sources/Nowhere/Z.swift", text: "import Foundation\n"),
        ]
        let violations = ImportCheck.violations(in: files, allowed: Self.allowed, system: Self.system)
        #expect(
            violations == [
                "Sources/Reports/Render/X.swift:3: Reports may not import Orchestrator",
                "Sources/Blueprint/Y.swift:2: Blueprint may not import Questionnaire",
                "Sources/Nowhere/Z.swift: Nowhere is not in the architecture's table",
            ])
    }

    /// Every spelling of an import names its module; comments and multi-line strings are not code.
    @Test(arguments: 0..<300) func importsAreReadInEverySpelling(seed: Int) {
        var random = HostileText(seed: UInt64(seed))
        let modules = ["Alpha", "Beta_2", "Gamma", "Delta", "Orchestrator"]
        let attributes = ["", "@testable ", "@_exported ", "@preconcurrency ", "@_implementationOnly "]
        let levels = ["", "public ", "internal ", "package ", "private ", "fileprivate "]
        let kinds = ["", "struct ", "class ", "enum ", "protocol ", "func ", "var ", "let ", "typealias "]
        var lines: [String] = []
        var expected: [String] = []
        for _ in 0..<random.int(0...11) {
            let module = random.pick(modules)
            switch random.int(0...5) {
            case 0:  // a commented-out import
                lines.append("// import \(module)")
            case 1:  // an import inside a block comment
                lines += ["/*", "import \(module)", "*/"]
            case 2:  // an import inside a multi-line string
                lines += ["let s = \"\"\"", "    import \(module)", "    \"\"\""]
            case 3:  // a code line that mentions import
                lines.append("let x = \"import \(module)\"")
            default:
                let kind = random.pick(kinds)
                let member = kind.isEmpty ? (random.int(0...1) == 0 ? "" : ".Sub") : ".Thing"
                let indent = String(repeating: " ", count: random.int(0...2))
                let trailing = random.int(0...1) == 0 ? "" : "  // why"
                lines.append(
                    "\(indent)\(random.pick(attributes))\(random.pick(levels))import \(kind)\(module)\(member)\(trailing)"
                )
                expected.append(module)
            }
            if random.int(0...3) == 0 { lines.append(random.int(0...1) == 0 ? "#if canImport(Glibc)" : "#endif") }
        }
        let found = ImportCheck.imports(in: lines.joined(separator: "\n")).map(\.module)
        #expect(found == expected, "\(lines.joined(separator: "\n"))")
    }
}

/// Reads `import` lines and the documented table.
enum ImportCheck {
    /// The modules a Swift file imports, with their lines (1-based). Lines in comments and in
    /// multi-line string literals are skipped.
    static func imports(in text: String) -> [(line: Int, module: String)] {
        var found: [(Int, String)] = []
        var inBlockComment = false
        var inString = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if inBlockComment {
                if line.contains("*/") { inBlockComment = false }
                continue
            }
            if inString {
                if line.hasPrefix("\"\"\"") { inString = false }
                continue
            }
            if line.hasPrefix("/*") {
                inBlockComment = !line.contains("*/")
                continue
            }
            if line.components(separatedBy: "\"\"\"").count == 2 {  // opens a multi-line string
                inString = true
                continue
            }
            var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            while let first = words.first,
                first.hasPrefix("@") || ["public", "internal", "package", "private", "fileprivate"].contains(first)
            {
                words.removeFirst()
            }
            guard words.first == "import", words.count >= 2 else { continue }
            var name = words[1]
            if ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(name),
                words.count >= 3
            {
                name = words[2]
            }
            let module = String(name.split(separator: ".").first ?? "")
            if !module.isEmpty { found.append((index + 1, module)) }
        }
        return found
    }

    /// One line per import the table does not allow: `path:line: Module may not import Other`.
    static func violations(
        in files: [(module: String, path: String, text: String)], allowed: [String: Set<String>], system: Set<String>
    ) -> [String] {
        var out: [String] = []
        for file in files {
            guard let mine = allowed[file.module] else {
                out.append("\(file.path): \(file.module) is not in the architecture's table")
                continue
            }
            for (line, module) in imports(in: file.text)
            where module != file.module && !system.contains(module) && !mine.contains(module) {
                out.append("\(file.path):\(line): \(file.module) may not import \(module)")
            }
        }
        return out
    }

    /// The "may import" column of the module table in `docs/architecture.md`: rows whose first cell
    /// is a module in backticks; names in backticks in the last cell, "(system only)" for none.
    static func documentedTable(_ markdown: String) -> [String: Set<String>] {
        guard let start = markdown.range(of: "<!-- modules:begin -->"),
            let end = markdown.range(of: "<!-- modules:end -->", range: start.upperBound..<markdown.endIndex)
        else { return [:] }
        var table: [String: Set<String>] = [:]
        for line in markdown[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4, let module = backticked(cells[1]).first else { continue }
            table[module] = Set(backticked(cells[cells.count - 2]))
        }
        return table
    }

    private static func backticked(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map {
            String($0.element)
        }
    }
}
