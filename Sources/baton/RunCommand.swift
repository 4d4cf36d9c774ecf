import ArgumentParser
import AssessmentFlow
import Blueprint
import Connectors
import Diagnostics
import Dispatch
import Foundation
import Orchestrator
import Questionnaire
import Reports
import Server
import Synchronization
import TerminalUI

/// `baton run BLUEPRINT`: boots the agent system in the foreground.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an agent system from its blueprint, in the foreground (Ctrl-C stops it cleanly).",
        discussion: """
            Events wait in the runtime's database until processed: send them with `baton event send` whether or \
            not the system is running. Emails go where the blueprint's email connector says: an .eml folder \
            (the default) or an SMTP server.

            Examples:
              baton run northside.blueprint.yaml
              baton run northside.blueprint.yaml --once       # process what is waiting, then exit
            """)

    @OptionGroup var runtime: RuntimeOptions

    @Argument(help: "The blueprint file.")
    var blueprint: String

    @Flag(help: "Process every waiting event and dispatch its effects, then exit.")
    var once = false

    @Option(
        help: ArgumentHelp(
            "Serve the HTTP intake (POST /v1/events), the approvals dashboard (/approvals), /healthz and /metrics here.",
            discussion: "Default: connectors.forms.settings.listen in the blueprint; none if neither is given.",
            valueName: "host:port"))
    var listen: String?

    @Option(
        name: .customLong("max-event-attempts"),
        help: ArgumentHelp(
            "Tries before an event whose processing fails is moved to the dead letters.",
            discussion: "Find them with `baton event list --dead`; put one back with `baton event retry ID`.",
            valueName: "n"))
    var maxEventAttempts = Engine.defaultMaxEventAttempts

    func validate() throws {
        guard maxEventAttempts >= 1 else { throw ValidationError("--max-event-attempts must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let loaded: Blueprint
            do {
                loaded = try BlueprintFile.load(path: blueprint)
            } catch let error as PackLoadError {
                throw Failure("\(error)\ncheck it with: baton blueprint validate \(blueprint)")
            }
            let store = try runtime.store()
            // One run per data folder; held until this process ends, however it ends.
            let lock = try RunLock(folder: runtime.folder)
            defer { withExtendedLifetime(lock) {} }
            try BlueprintFile.yaml(loaded).write(
                toFile: (runtime.folder as NSString).appendingPathComponent("blueprint.yaml"), atomically: true,
                encoding: .utf8)
            let models: [String: LanguageModel]
            do { models = try ChatCompletionsModel.make(for: loaded) } catch {
                throw Failure("\(error)\nfix the agent's model settings, or set the variable, then run again")
            }
            let engine = Engine(
                blueprint: loaded, store: store, models: models, maxEventAttempts: maxEventAttempts)
            let email: EmailConnector
            let from: String
            let calendar: CalendarConnector?
            let refreshMinutes: Int
            do {
                email = try EmailConnectors.make(for: loaded, dataFolder: runtime.folder)
                from = try EmailConnectors.sender(for: loaded)
                calendar = try CalendarConnectors.make(for: loaded)
                refreshMinutes = try CalendarConnectors.refreshMinutes(for: loaded)
                try (calendar as? CalDAVCalendar)?.check()
            } catch let error as ConnectorError {
                throw Failure("\(error)\nfix the blueprint's connectors section, or set the variable, then run again")
            } catch {
                throw Failure("the calendar connector cannot be used: \(error)")
            }
            let webhooks: SignedWebhooks?
            do { webhooks = try SignedWebhooks.make(for: loaded) } catch {
                throw Failure("\(error)\nfix the blueprint's connectors section, or set the variable, then run again")
            }
            let dispatcher = Dispatcher(
                store: store, blueprint: loaded, email: email, calendar: calendar, webhooks: webhooks, from: from)
            let sync = calendar.map { CalendarSync(store: store, calendar: $0) }
            var nextSync = Date.distantPast
            let stop = StopFlag()
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { stop.set() }
                source.resume()
                stop.keep(source)
            }
            let templates = try PackLocator.locateFolder("templates").map { folder in
                do { return try DailyReportTemplates(folder: folder) } catch { throw Failure("\(error)") }
            }
            let reports = DailyReportJob(
                blueprint: loaded, store: store, folder: (runtime.folder as NSString).appendingPathComponent("reports"),
                render: { report in try templates?.render(report.templateValues) ?? [("md", report.markdown)] })
            // The HTTP intake, beside the loop; a server that cannot start stops the run, with why.
            let serverFailure = Mutex<String?>(nil)
            var server: Task<Void, Never>?
            if !once, let intake = try Self.intake(loaded, listen: listen) {
                if let closed = intake.closedBecause { log(closed) }
                let app = IntakeServer(
                    store: store, settings: intake,
                    reportsFolder: (runtime.folder as NSString).appendingPathComponent("reports")
                ).application { port in
                    log(
                        "intake listening on http://\(intake.host):\(port)/v1/events; approvals dashboard at /approvals (sign in with `baton approvals token`); /healthz, /metrics"
                    )
                }
                server = Task {
                    do { try await app.run() } catch {
                        serverFailure.withLock {
                            $0 = "the intake cannot listen on \(intake.host):\(intake.port): \(error)"
                        }
                        stop.set()
                    }
                }
            }
            defer { server?.cancel() }
            log(
                "running \(loaded.business.name): \(loaded.agents.count) agents; data in \(runtime.folder); emails to \(EmailConnectors.describe(email)); busy times from \(CalendarConnectors.describe(calendar))"
            )
            while !stop.isSet {
                if let sync, Date() >= nextSync {
                    // A calendar that cannot be read keeps the last busy times it gave; said, not fatal.
                    do {
                        log("read \(try sync.refresh()) busy times from \(CalendarConnectors.describe(calendar))")
                    } catch {
                        log("could not read the calendar (keeping the last busy times): \(error)")
                    }
                    nextSync = Date().addingTimeInterval(Double(refreshMinutes) * 60)
                }
                let processed = try engine.processBatch(limit: 256)
                let sent = try dispatcher.dispatch()
                if let report = try reports.runIfDue() { log("wrote the daily report \(report)") }
                let timedOut = try Approvals(store: store).applyTimeouts(loaded)
                if timedOut > 0 {
                    log("\(timedOut) approval timeouts acted on: reminded, escalated or rejected (see `baton audit`)")
                }
                if processed > 0 || sent > 0 { log("processed \(processed) events, dispatched \(sent) actions") }
                if processed == 0 && sent == 0 {
                    if once { break }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            if let failure = serverFailure.withLock({ $0 }) { throw Failure(failure) }
            log(stop.isSet ? "stopped; waiting events stay queued for the next run" : "idle; done")
        }
    }

    private static func intake(_ blueprint: Blueprint, listen: String?) throws -> IntakeSettings? {
        do { return try IntakeSettings.from(blueprint, listen: listen) } catch { throw Failure("\(error)") }
    }

    private func log(_ message: String) {
        let stamp = ISO8601DateFormatter().string(from: Date())
        // Log lines quote events from outside (a webhook's fields, a mail's subject): shown, not obeyed.
        FileHandle.standardError.write(Data("\(stamp) \(TerminalText.safe(message))\n".utf8))
    }
}

/// Set from a signal handler, read by the run loop.
final class StopFlag: @unchecked Sendable {
    // @unchecked: `flag` and `sources` are only touched under `lock`.
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }

    func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }

    func keep(_ source: DispatchSourceSignal) {
        lock.lock()
        sources.append(source)
        lock.unlock()
    }
}
