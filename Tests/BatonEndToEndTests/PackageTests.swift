import BatonTestSupport
import Foundation
import Spawning
import Testing

/// The release archive (`scripts/package`) as a new user gets it: unpacked into an empty folder and
/// run with a clean environment (`PATH=/usr/bin:/bin`, no Swift on it, an empty `HOME`, another
/// working folder). `./scripts/test` builds the archive once and names it in `BATON_PACKAGE`; the
/// release build takes minutes, so without it this test is skipped and says why.
struct PackageTests {
    static let archive = ProcessInfo.processInfo.environment["BATON_PACKAGE"].flatMap { $0.isEmpty ? nil : $0 }

    /// Runs `command` with only `environment` (no variable of this process's), in `directory`.
    static func clean(
        _ command: String, _ arguments: [String], environment: [String: String], in directory: String
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["-i"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [command] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Output to files, read once the child is gone: no pipe can fill and stall it.
        let logs = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: logs) }
        FileManager.default.createFile(atPath: logs + "/out", contents: nil)
        FileManager.default.createFile(atPath: logs + "/err", contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logs + "/out"))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: logs + "/err"))
        process.standardInput = .nullDevice
        process.standardOutput = .file(output)
        process.standardError = .file(error)
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return (
            status: process.terminationStatus, stdout: try String(contentsOfFile: logs + "/out", encoding: .utf8),
            stderr: try String(contentsOfFile: logs + "/err", encoding: .utf8))
    }

    @Test(
        "the archive unpacked anywhere runs with no Swift: version, demo, an assessment, a report, the runtime",
        .enabled(
            if: archive != nil,
            "BATON_PACKAGE is not set: ./scripts/test builds the release archive (scripts/package) and sets it"),
        .timeLimit(.minutes(5)))
    func theArchiveWorksWithACleanEnvironment() throws {
        let archive = try #require(Self.archive)
        let root = BatonBinary.temporaryFolder()
        let unpacked = root + "/unpacked", home = root + "/home", work = root + "/work"
        for folder in [unpacked, home, work] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let absolute = archive.hasPrefix("/") ? archive : BatonBinary.packageRoot.path + "/" + archive
        let environment = ["PATH": "/usr/bin:/bin", "HOME": home]
        let tar = try Self.clean("tar", ["-xzf", absolute, "-C", unpacked], environment: environment, in: work)
        #expect(tar.status == 0, "\(tar.stderr)")
        let top = try #require(try FileManager.default.contentsOfDirectory(atPath: unpacked).first, "empty archive")
        let prefix = unpacked + "/" + top
        #expect(top.hasPrefix("baton-") && top.hasSuffix("-linux-\(Self.machine())"), "\(top)")
        // Every file is listed in SHA256SUMS and matches it.
        let sums = try Self.clean("sha256sum", ["--check", "--strict", "SHA256SUMS"], environment: environment, in: prefix)
        #expect(sums.status == 0, "\(sums.stdout)\(sums.stderr)")
        let listed = try String(contentsOfFile: prefix + "/SHA256SUMS", encoding: .utf8)
        for file in [
            "bin/baton", "bin/baton-runtime", "share/man/man1/baton.1", "share/man/man1/baton-runtime.1",
            "share/bash-completion/completions/baton", "share/zsh/site-functions/_baton",
            "share/fish/vendor_completions.d/baton.fish", "share/doc/baton/README.md",
        ] {
            #expect(listed.contains("  \(file)\n"), "SHA256SUMS lacks \(file)")
        }
        let baton = prefix + "/bin/baton"
        for binary in [baton, prefix + "/bin/baton-runtime"] {
            let ldd = try Self.clean("ldd", [binary], environment: environment, in: work)
            #expect(ldd.status == 0, "\(ldd.stderr)")
            #expect(!ldd.stdout.contains("libswift"), "\(binary) needs the Swift runtime:\n\(ldd.stdout)")
        }
        let which = try Self.clean("sh", ["-c", "command -v swift || echo none"], environment: environment, in: work)
        #expect(which.stdout == "none\n", "swift is on the clean PATH: \(which.stdout)")

        let version = try Self.clean(baton, ["--version"], environment: environment, in: work)
        #expect(version.status == 0, "\(version.stderr)")
        #expect(top.hasPrefix("baton-" + (version.stdout.split(separator: "\n").first?.split(separator: " ").last ?? "?")))
        #expect(version.stdout.contains("pack smb-ai-readiness "), "\(version.stdout)")

        let demo = try Self.clean(baton, ["demo", "--out", "demo"], environment: environment, in: work)
        #expect(demo.status == 0, "\(demo.stderr)")
        let blueprint = work + "/demo/1-bow-river-plumbing-heating.blueprint.yaml"
        #expect(FileManager.default.fileExists(atPath: blueprint))
        #expect(FileManager.default.fileExists(atPath: home + "/.baton/workspace.sqlite"))

        // An assessment from an answers file: the bundled pack's example, exported first.
        let export = try Self.clean(baton, ["pack", "export", "pack"], environment: environment, in: work)
        #expect(export.status == 0, "\(export.stderr)")
        let assess = try Self.clean(
            baton, ["assess", "--answers", "pack/examples/dental-clinic.yaml"], environment: environment, in: work)
        #expect(assess.status == 0, "\(assess.stderr)")
        let report = try Self.clean(
            baton, ["report", "2", "--format", "md", "--out", "reports"], environment: environment, in: work)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("reports/2-cedar-hill-family-dental.md"), "\(report.stdout)")

        // The runtime, through baton: a lead in, the demo blueprint run once, the reply in the outbox.
        let lead = #"{"name": "Lead 1", "email": "lead1@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}"#
        let sent = try Self.clean(
            baton, ["event", "send", "lead.received", "--payload", lead, "--case", "lead-1", "--data-dir", "data"],
            environment: environment, in: work)
        #expect(sent.status == 0, "\(sent.stderr)")
        let run = try Self.clean(
            baton, ["run", blueprint, "--once", "--data-dir", "data"], environment: environment, in: work)
        #expect(run.status == 0, "\(run.stderr)")
        let outbox = (try? FileManager.default.contentsOfDirectory(atPath: work + "/data/outbox")) ?? []
        #expect(outbox.contains { $0.hasSuffix(".eml") }, "no reply in the outbox: \(run.stdout)\(run.stderr)")
    }

    static func machine() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
