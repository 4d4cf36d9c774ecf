import BatonTestSupport
import Foundation
import Testing

/// `baton` and `baton-runtime` as one tool: the runtime's subcommands run through `baton` (same
/// arguments, output and exit status), one `baton --help` lists both, a `baton` alone says what is
/// missing, and `baton` alone, copied anywhere, still assesses, scores and reports from its bundled
/// pack and templates.
struct RuntimeForwardingTests {
    static var runtimePath: String {
        (BatonBinary.path as NSString).deletingLastPathComponent + "/baton-runtime"
    }

    /// Runs `executable` with `arguments` and a clean `NO_COLOR` environment plus `environment`.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil
    ) async throws -> BatonBinary.RunResult {
        try await BatonBinary.run(arguments, environment: environment, in: directory, executable: executable)
    }

    /// The entries of a help text's subcommand list headed `heading` ("name, alias  abstract…",
    /// wrapped lines joined), each with its whitespace collapsed.
    static func entries(_ help: String, under heading: String) -> [String] {
        guard let start = help.range(of: heading + "\n")?.upperBound else { return [] }
        var entries: [String] = []
        for line in help[start...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            let words = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if line.hasPrefix("  "), !line.hasPrefix("   ") || entries.isEmpty {
                entries.append(words)
            } else if !entries.isEmpty {
                entries[entries.count - 1] += " " + words
            }
        }
        return entries
    }

    @Test func oneHelpListsTheRuntimesSubcommandsWithTheirOwnAbstracts() async throws {
        let runtimeHelp = try await Self.run(Self.runtimePath, ["--help"])
        #expect(runtimeHelp.status == 0, "\(runtimeHelp.stderr)")
        let batonHelp = try await BatonBinary.run(["--help"])
        #expect(batonHelp.status == 0)
        let runtime = Self.entries(runtimeHelp.stdout, under: "SUBCOMMANDS:")
        let listed = Self.entries(batonHelp.stdout, under: "THE RUNNING SYSTEM (RUN BY BATON-RUNTIME) SUBCOMMANDS:")
        #expect(runtime.count >= 10, "\(runtimeHelp.stdout)")
        // Each entry of baton-runtime's list ("event, events Send events…") stands in baton's, in its order.
        #expect(listed == runtime, "baton --help lists the runtime's subcommands otherwise than baton-runtime --help")
        #expect(Self.entries(batonHelp.stdout, under: "SUBCOMMANDS:").contains { $0.hasPrefix("assess ") })
    }

    @Test func aRuntimeSubcommandThroughBatonIsTheRuntimesOwnRun() async throws {
        let folder = BatonBinary.temporaryFolder()
        for arguments in [
            ["run", folder + "/no-such-blueprint.yaml", "--once", "--data-dir", folder],
            ["event", "send", "lead.received", "--payload", "{not json", "--data-dir", folder],
            ["kpis", "--since", "2026-02-30", "--data-dir", folder],
            ["cases", "list", "--data-dir", folder],
        ] {
            let direct = try await Self.run(Self.runtimePath, arguments)
            let forwarded = try await BatonBinary.run(arguments)
            // The same run; only the name its usage lines print is the one typed.
            let typed = { (text: String) in text.replacingOccurrences(of: "baton-runtime ", with: "baton ") }
            #expect(forwarded.status == direct.status, "\(arguments)")
            #expect(forwarded.stdout == typed(direct.stdout), "\(arguments)")
            #expect(forwarded.stderr == typed(direct.stderr), "\(arguments)")
        }
        let help = try await BatonBinary.run(["help", "run"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--once"), "baton help run shows the runtime's own help: \(help.stdout)")
        // Help reached through baton teaches the command as typed, `baton cases list`.
        for arguments in [["cases", "--help"], ["help", "cases", "list"], ["approvals", "approve", "--help"]] {
            let forwarded = try await BatonBinary.run(arguments)
            #expect(forwarded.status == 0, "\(arguments): \(forwarded.stderr)")
            let command = arguments.filter { $0 != "help" && $0 != "--help" }.joined(separator: " ")
            #expect(forwarded.stdout.contains("USAGE: baton \(command)"), "\(arguments): \(forwarded.stdout)")
            #expect(!forwarded.stdout.contains("baton-runtime"), "\(arguments): \(forwarded.stdout)")
        }
        let direct = try await Self.run(Self.runtimePath, ["cases", "--help"])
        #expect(direct.stdout.contains("USAGE: baton-runtime cases"), "\(direct.stdout)")
    }

    @Test func batonAloneAnywhereAssessesFromItsBundledFilesAndNamesWhatIsMissing() async throws {
        let lonely = BatonBinary.temporaryFolder()
        let elsewhere = BatonBinary.temporaryFolder()
        let home = BatonBinary.temporaryFolder()
        try FileManager.default.copyItem(atPath: BatonBinary.path, toPath: lonely + "/baton")
        let baton = lonely + "/baton"
        let environment = ["HOME": home, "BATON_HOME": home + "/.baton"]
        let missing = try await Self.run(baton, ["run", "system.yaml"], environment: environment, in: elsewhere)
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("no \(lonely)/baton-runtime"), "\(missing.stderr)")
        #expect(missing.stderr.contains("swift build --product baton-runtime"), "\(missing.stderr)")
        let demo = try await Self.run(baton, ["demo", "--out", elsewhere + "/out"], environment: environment, in: elsewhere)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere + "/out/1-bow-river-plumbing-heating.html"))
        let version = try await Self.run(baton, ["--version"], environment: environment, in: elsewhere)
        #expect(version.stdout.hasPrefix("baton 0."), "\(version.stdout)")
        #expect(version.stdout.contains("pack smb-ai-readiness "), "\(version.stdout)")
        #expect(version.stdout.contains("(parameters: scoring "), "\(version.stdout)")
    }

    @Test func editedCopiesOfThePackAndTemplatesAreUsedByPathAndSearchPath() async throws {
        let folder = BatonBinary.temporaryFolder()
        let environment = ["BATON_HOME": folder + "/home"]
        let export = try await BatonBinary.run(["pack", "export", folder + "/packs/smb-ai-readiness"], environment: environment)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains(folder + "/packs/smb-ai-readiness/questionnaire.yaml"))
        let again = try await BatonBinary.run(["pack", "export", folder + "/packs/smb-ai-readiness"], environment: environment)
        #expect(again.status != 0 && again.stderr.contains("--force"), "\(again.stderr)")
        // An edit with a mistake: the search path finds the copy, and lint names the copy's file.
        let file = folder + "/packs/smb-ai-readiness/questionnaire.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "sections:", with: "sectionz:").write(
            toFile: file, atomically: true, encoding: .utf8)
        let lint = try await BatonBinary.run(
            ["questionnaire", "lint", "smb-ai-readiness"],
            environment: environment.merging(["BATON_PACKS": "/nowhere:" + folder + "/packs"]) { $1 })
        #expect(lint.status != 0)
        #expect(lint.stdout.contains(file) || lint.stderr.contains(file), "\(lint.stdout)\(lint.stderr)")
        let bundled = try await BatonBinary.run(["questionnaire", "lint", "smb-ai-readiness"], environment: environment)
        #expect(bundled.status == 0, "without BATON_PACKS the bundled pack is used: \(bundled.stdout)")
        // The templates, exported, edited and rendered with.
        let templates = try await BatonBinary.run(["templates", "export", folder + "/templates"], environment: environment)
        #expect(templates.status == 0, "\(templates.stderr)")
        let markdown = folder + "/templates/report.md.mustache"
        try ("EDITED-COPY\n" + String(contentsOfFile: markdown, encoding: .utf8)).write(
            toFile: markdown, atomically: true, encoding: .utf8)
        let workspace = folder + "/workspace"
        let assess = try await BatonBinary.run(
            ["assess", "--answers", BatonBinary.bundledPack + "/examples/dental-clinic.yaml", "--workspace", workspace],
            environment: environment)
        #expect(assess.status == 0, "\(assess.stderr)")
        let report = try await BatonBinary.run(
            ["report", "1", "--format", "md", "--templates", folder + "/templates", "--out", folder + "/out",
             "--workspace", workspace], environment: environment)
        #expect(report.status == 0, "\(report.stderr)")
        let written = try #require(report.stdout.split(separator: "\n").first.map(String.init))
        #expect(try String(contentsOfFile: written, encoding: .utf8).hasPrefix("EDITED-COPY\n"))
    }
}
