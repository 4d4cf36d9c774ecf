import Foundation
import Testing

/// Every child process is started by `Spawning`'s `ChildProcess`: Foundation's `Process` on Linux
/// (Swift 6.3) can crash the parent while it starts a child (it copies 256 bytes of each
/// /proc/self/fd entry's name, past glibc's buffer; swift-corelibs-foundation#5472), which took a
/// whole test run down on CI.
struct ChildProcessRuleTests {
    /// Where a Swift line names Foundation's `Process` type (not `ProcessInfo`, not `ChildProcess`),
    /// comments and string literals aside.
    static func namesFoundationsProcess(_ line: Substring) -> Bool {
        guard line.contains("Process") else { return false }
        let code = (line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .replacing(/"[^"]*"/, with: "\"\"")
        return code.firstMatch(of: /(^|[^A-Za-z0-9_`])(Foundation\.)?Process(?![A-Za-z0-9_])/) != nil
    }

    @Test func noSourceOrTestStartsAChildWithFoundationsProcess() throws {
        let root = ModuleImportTests.packageRoot
        var found: [String] = []
        var files = 0
        for folder in ["Sources", "Tests"] {
            let base = root.appendingPathComponent(folder)
            let walker = try #require(FileManager.default.enumerator(atPath: base.path))
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOfFile: base.appendingPathComponent(relative).path, encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where Self.namesFoundationsProcess(line) && !relative.hasSuffix("ChildProcessRuleTests.swift") {
                    found.append("\(folder)/\(relative):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(files > 100)
        #expect(found.isEmpty, "Foundation's Process in use; start children with Spawning's ChildProcess:\n\(found.joined(separator: "\n"))")
    }

    /// The rule's reading, on the spellings it must tell apart.
    @Test(arguments: [
        ("let process = Process()", true),
        ("let runner: Process", true),
        ("static func baton() throws -> Process {", true),
        ("let child = Foundation.Process()", true),
        ("let process = ChildProcess()", false),
        ("ProcessInfo.processInfo.environment", false),
        ("/// Foundation's `Process` crashes", false),
        ("x = 1 // not Process()", false),
        ("let processes: [Process] = []", true),
        ("@Flag(help: \"Process every waiting event\")", false),
    ])
    func theRuleReadsEachSpelling(line: String, names: Bool) {
        #expect(Self.namesFoundationsProcess(line[...]) == names, "\(line)")
    }
}
