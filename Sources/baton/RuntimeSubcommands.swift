import ArgumentParser
import Foundation

/// The runtime's subcommands (`run`, `event`, `approvals`…), which live in the `baton-runtime`
/// executable so that `baton` builds without SwiftNIO, Hummingbird and BoringSSL. `baton NAME …`
/// replaces itself with `baton-runtime NAME …` found beside it, as git runs its subcommands: same
/// arguments, standard streams, terminal, process id and signals, so the exit status is the
/// runtime's own. `baton --help` lists them with the assessment's commands.
enum RuntimeSubcommands {
    /// Each runtime subcommand's name, other names and abstract as `baton-runtime --help` prints
    /// them (an end-to-end test checks that the two lists agree).
    static let all: [(name: String, aliases: [String], abstract: String)] = [
        ("run", [], "Run an agent system from its blueprint, in the foreground (Ctrl-C stops it cleanly)."),
        ("event", ["events"], "Send events to an agent system, and retry those that failed."),
        ("approvals", [], "List, approve, reject or override actions that wait for a person."),
        ("cases", [], "List cases, or show one case's timeline."),
        ("audit", [], "The audit log: every event, decision, refusal, approval and effect."),
        ("kpis", [], "Measured KPIs against the blueprint's baselines and targets."),
        ("crm", [], "Import and export the built-in CRM's contacts as CSV."),
        ("books", [], "Import invoices from QuickBooks Online, Xero or Wave, and see what is owed."),
        ("prune", [], "Remove old audit detail and closed cases' payloads, keeping every figure."),
        ("daily-report", [], "Write the daily report of what every agent did (with --week, the weekly report)."),
        ("store", [], "Create or upgrade the runtime's schema in a PostgreSQL database."),
    ]

    /// The executable that runs them.
    static let executable = "baton-runtime"

    /// The runtime subcommand `arguments` (this process's, without its own name) ask for, if any:
    /// `NAME …`, or `help NAME …`.
    static func requested(in arguments: [String]) -> String? {
        let names = Set(all.flatMap { [$0.name] + $0.aliases })
        guard let first = arguments.first else { return nil }
        if names.contains(first) { return first }
        if first == "help", arguments.count > 1, names.contains(arguments[1]) { return arguments[1] }
        return nil
    }

    /// `baton-runtime` beside this executable (symbolic links followed), whether or not it is there.
    static func siblingPath() -> String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments.first ?? "baton").resolvingSymlinksInPath().path
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent(executable)
    }

    /// Replaces this process with `baton-runtime ARGUMENTS`. Returns only when it could not, with
    /// what to say and the exit status to leave with (127 when the binary is missing, as a shell).
    static func exec(_ arguments: [String], subcommand: String) -> (message: String, status: Int32) {
        let path = siblingPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return (
                """
                baton: `\(subcommand)` is run by \(executable), which is not beside this baton (no \(path)).
                From the source tree build it with `swift build --product \(executable)` (`swift build` builds \
                both); installed, keep both binaries in one folder (scripts/install does).
                """, 127
            )
        }
        // Its name in argv is `baton`, so its usage and help say `baton cases …`, what was typed.
        let argv = (["baton"] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        return ("baton: cannot run \(path): \(String(cString: strerror(errno)))", 126)
    }

    /// The entries `baton --help` lists, one per runtime subcommand; `baton` forwards them before
    /// parsing, so these are never run.
    static let listed: [any ParsableCommand.Type] = [
        Run.self, Event.self, Approvals.self, Cases.self, Audit.self, KPIs.self, CRM.self, Books.self, Prune.self,
        DailyReport.self, Store.self,
    ]

    /// The listing of one runtime subcommand.
    private static func listing(_ name: String) -> CommandConfiguration {
        let entry = all.first { $0.name == name }
        return CommandConfiguration(
            commandName: name, abstract: entry?.abstract ?? "",
            discussion: "Run by \(executable), beside baton: `baton \(name) --help` shows its options.",
            aliases: entry?.aliases ?? [])
    }

    struct Run: ParsableCommand { static let configuration = listing("run") }
    struct Event: ParsableCommand { static let configuration = listing("event") }
    struct Approvals: ParsableCommand { static let configuration = listing("approvals") }
    struct Cases: ParsableCommand { static let configuration = listing("cases") }
    struct Audit: ParsableCommand { static let configuration = listing("audit") }
    struct KPIs: ParsableCommand { static let configuration = listing("kpis") }
    struct CRM: ParsableCommand { static let configuration = listing("crm") }
    struct Books: ParsableCommand { static let configuration = listing("books") }
    struct Prune: ParsableCommand { static let configuration = listing("prune") }
    struct DailyReport: ParsableCommand { static let configuration = listing("daily-report") }
    struct Store: ParsableCommand { static let configuration = listing("store") }
}
