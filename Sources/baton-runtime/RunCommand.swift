import ArgumentParser
import AssessmentFlow
import Blueprint
import Connectors
import Diagnostics
import Foundation
import Logging
import Mail
import Orchestrator
import Questionnaire
import Reports
import Server
import ServiceLifecycle
import TerminalUI

/// `baton run BLUEPRINT`: boots the agent system in the foreground.
struct RunCommand: AsyncParsableCommand {
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

    @OptionGroup var leases: LeaseOptions

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
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "Where people reach this server: the replies' booking links (PUBLIC-URL/book/TOKEN) point here.",
            discussion:
                "Default: connectors.forms.settings.public_url in the blueprint. Without either (or with nothing listening), replies link the scheduling agent's booking_url, or ask the lead to answer with a time.",
            valueName: "url"))
    var publicURL: String?

    @Option(
        name: .customLong("max-event-attempts"),
        help: ArgumentHelp(
            "Tries before an event whose processing fails is moved to the dead letters.",
            discussion: "Find them with `baton event list --dead`; put one back with `baton event retry ID`.",
            valueName: "n"))
    var maxEventAttempts = Engine.defaultMaxEventAttempts

    func validate() throws {
        guard maxEventAttempts >= 1 else { throw ValidationError("--max-event-attempts must be 1 or more") }
        if leases.given && runtime.storeURL == nil {
            throw ValidationError("--case-lease and --outbox-lease are leases on a PostgreSQL store: give --store too")
        }
    }

    func run() async throws {
        MallocArenas.limit()
        try await reportingFailures {
            let loaded: Blueprint
            do {
                loaded = try BlueprintFile.load(path: blueprint)
            } catch let error as PackLoadError {
                throw Failure("\(error)\ncheck it with: baton blueprint validate \(blueprint)")
            }
            // The runtime reaches its store only through the storage protocol. BATON_NOW moves its
            // clock (RuntimeClock).
            let store: any RuntimeStorage = try await runtime.store(blueprint: loaded, limits: leases.limits)
            // One run per data folder; held until this process ends, however it ends.
            let lock = try RunLock(folder: runtime.folder)
            defer { withExtendedLifetime(lock) {} }
            // The copy `baton approvals`/`cases` read: written only when it changed, so a restart on a
            // full disk writes nothing; one that cannot be written is said, not fatal.
            let copy = (runtime.folder as NSString).appendingPathComponent("blueprint.yaml")
            if let problem = Self.keep(try BlueprintFile.yaml(loaded), at: copy) {
                Self.log(problem)
            }
            let models: [String: LanguageModel]
            do { models = try ChatCompletionsModel.make(for: loaded) } catch {
                throw Failure("\(error)\nfix the agent's model settings, or set the variable, then run again")
            }
            // The booking page is served where the intake listens; its links point at the public URL.
            let intake = try Self.intake(loaded, listen: listen, publicURL: publicURL)
            let links: BookingLinks? =
                if let publicURL = intake?.publicURL {
                    try await BookingLinks.load(publicURL: publicURL, from: store)
                } else {
                    nil
                }
            let engine = Engine(
                blueprint: loaded, store: store, models: models, maxEventAttempts: maxEventAttempts,
                bookingLinks: links)
            let email: EmailConnector
            let from: String
            let calendar: CalendarConnector?
            let refreshMinutes: Int
            do {
                email = try EmailConnectors.make(for: loaded, dataFolder: runtime.folder)
                from = try EmailConnectors.sender(for: loaded)
                calendar = try CalendarConnectors.make(for: loaded)
                refreshMinutes = try CalendarConnectors.refreshMinutes(for: loaded)
                try await (calendar as? CalDAVCalendar)?.check()
            } catch let error as ConnectorError {
                throw Failure("\(error)\nfix the blueprint's connectors section, or set the variable, then run again")
            } catch {
                throw Failure("the calendar connector cannot be used: \(error)")
            }
            try leases.check(against: email)
            let webhooks: SignedWebhooks?
            do { webhooks = try SignedWebhooks.make(for: loaded) } catch {
                throw Failure("\(error)\nfix the blueprint's connectors section, or set the variable, then run again")
            }
            let dispatcher = Dispatcher(
                store: store, blueprint: loaded, email: email, calendar: calendar, webhooks: webhooks, from: from)
            // Incoming mail (connectors.inbox), read into events like the intake's.
            let inbox: InboxReader?
            let inboxPoll: Int
            do {
                let made = try InboxConnectors.make(for: loaded, dataFolder: runtime.folder)
                inbox = made.map {
                    InboxReader(source: $0.source, store: store, blueprint: loaded, models: models, batch: $0.settings.batch)
                }
                inboxPoll = made?.settings.pollSeconds ?? InboxSettings.defaultPollSeconds
            } catch {
                throw Failure("\(error)\nfix the blueprint's connectors section, or set the variable, then run again")
            }
            let templates: DailyReportTemplates
            do { templates = try DailyReportTemplates(folder: PackLocator.bundledTemplates()) } catch {
                throw Failure("\(error)")
            }
            let reports = DailyReportJob(
                blueprint: loaded, store: store, folder: (runtime.folder as NSString).appendingPathComponent("reports"),
                render: { report in try templates.render(report.templateValues) })
            let weekly = WeeklyReportJob(beside: reports)
            if once {
                if let inbox {
                    let pass = try await inbox.readNew()
                    if pass.storedCount > 0 { Self.log("read \(InboxService.describe(pass)) from \(inbox.source.name)") }
                }
                try await Self.drain(engine, dispatcher, (reports, weekly), BooksClock(blueprint: loaded, store: store))
                return Self.log("idle; done")
            }
            let engineWakeup = Wakeup()
            let dispatcherWakeup = Wakeup()
            var services: [any Service] = [
                EngineService(engine: engine, wakeup: engineWakeup, committed: dispatcherWakeup, log: Self.log),
                DispatcherService(dispatcher: dispatcher, wakeup: dispatcherWakeup, log: Self.log),
                SchedulerService(
                    jobs: Self.clockJobs(loaded, store, (reports, weekly), calendar, refreshMinutes), runs: store,
                    clock: store.clock, log: Self.log),
            ]
            // Several workers on one database: each wakes at the others' commits (PostgreSQL's notices).
            if let feed = store as? any ChangeFeed {
                services.append(
                    ChangeFeedService(feed: feed, engine: engineWakeup, dispatcher: dispatcherWakeup, log: Self.log))
            }
            if let inbox {
                services.append(
                    InboxService(
                        reader: inbox, pollInterval: .seconds(inboxPoll), onStored: { engineWakeup.signal() },
                        log: Self.log))
                Self.log("reading mail from \(inbox.source.name) (every \(inboxPoll) s, or as IMAP IDLE says)")
            }
            if publicURL != nil && intake == nil {
                Self.log(
                    "--public-url is not used: nothing listens (give --listen HOST:PORT); replies carry no booking page link"
                )
            }
            if let intake {
                if let closed = intake.closedBecause { Self.log(closed) }
                services.append(
                    IntakeServer(
                        store: store, settings: intake,
                        reportsFolder: (runtime.folder as NSString).appendingPathComponent("reports"),
                        booking: links.map { Self.bookingPage(loaded, $0) }, onAccepted: { engineWakeup.signal() }
                    ).application { port in
                        Self.log(
                            "intake listening on http://\(intake.host):\(port)/v1/events; approvals dashboard at /approvals (sign in with `baton approvals token`); /healthz, /metrics\(links.map { "; booking page at \($0.publicURL)/book/" } ?? "")"
                        )
                    })
            }
            Self.log(
                "running \(loaded.business.name): \(loaded.agents.count) agents; data in \(runtime.folder); emails to \(EmailConnectors.describe(email)); busy times from \(CalendarConnectors.describe(calendar))"
            )
            var logger = Logger(label: "baton.run")
            logger.logLevel = .critical
            var configuration = ServiceGroupConfiguration(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger)
            // Past this, what is still running is cancelled: SIGTERM stops `baton run` within 5 s.
            configuration.maximumGracefulShutdownDuration = .seconds(4)
            let group = ServiceGroup(configuration: configuration)
            do {
                try await group.run()
            } catch let error as ServiceGroupError {
                throw Failure("the runtime stopped: \(error)")
            } catch {
                // A service that fails ends the run (the intake cannot listen, say), with why.
                throw Failure("\(error)")
            }
            Self.log("stopped; waiting events stay queued for the next run")
        }
    }

    /// `--once`: processes every waiting event and dispatches its effects until nothing is left.
    private static func drain(
        _ engine: Engine, _ dispatcher: Dispatcher, _ reports: (daily: DailyReportJob, weekly: WeeklyReportJob),
        _ books: BooksClock
    ) async throws {
        if let raised = try await books.run() { log(raised) }
        while true {
            let processed = try await engine.processBatch(limit: 256)
            let sent = try await dispatcher.dispatch()
            if processed > 0 || sent > 0 { log("processed \(processed) events, dispatched \(sent) actions") }
            if processed == 0 && sent == 0 { break }
        }
        if let report = try await reports.daily.runIfDue() { log("wrote the daily report \(report)") }
        if let report = try await reports.weekly.runIfDue() { log("wrote the weekly report \(report)") }
    }

    /// The clock's jobs: the outside calendar every `refreshMinutes`, approval timeouts and the
    /// daily report's time checked every 15 s, the weekly report's every 60 s.
    private static func clockJobs(
        _ blueprint: Blueprint, _ store: any RuntimeStorage, _ reports: (daily: DailyReportJob, weekly: WeeklyReportJob),
        _ calendar: CalendarConnector?,
        _ refreshMinutes: Int
    ) -> [Schedule.Job: (every: TimeInterval, work: SchedulerService.Work)] {
        var jobs: [Schedule.Job: (every: TimeInterval, work: SchedulerService.Work)] = [
            .approvalTimeouts: (
                15,
                {
                    let acted = try await store.applyApprovalTimeouts(blueprint)
                    return acted == 0
                        ? nil
                        : "\(acted) approval timeouts acted on: reminded, escalated or rejected (see `baton audit`)"
                }
            ),
            .dailyReport: (15, { try await reports.daily.runIfDue().map { "wrote the daily report \($0)" } }),
            .weeklyReport: (60, { try await reports.weekly.runIfDue().map { "wrote the weekly report \($0)" } }),
            .books: (60, { [books = BooksClock(blueprint: blueprint, store: store)] in try await books.run() }),
        ]
        if let calendar {
            let sync = CalendarSync(store: store, calendar: calendar)
            jobs[.calendarRefresh] = (
                Double(refreshMinutes) * 60,
                { @Sendable in
                    // A calendar that cannot be read keeps the last busy times it gave; said, not fatal.
                    do {
                        let read = try await sync.refreshCounting()
                        let dropped =
                            read.dropped == 0 ? "" : "; dropped \(read.dropped) outside 2000 to ten years ahead"
                        return "read \(read.kept) busy times from \(CalendarConnectors.describe(calendar))\(dropped)"
                    } catch {
                        return "could not read the calendar (keeping the last busy times): \(error)"
                    }
                }
            )
        }
        return jobs
    }

    /// Writes `text` to `path` unless the file already holds it; why not, when it could not be written.
    static func keep(_ text: String, at path: String) -> String? {
        if let current = FileManager.default.contents(atPath: path), current == Data(text.utf8) { return nil }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        } catch {
            return
                "could not keep a copy of the blueprint in \(path) (any earlier copy stays): \(error.localizedDescription)"
        }
    }

    private static func intake(_ blueprint: Blueprint, listen: String?, publicURL: String?) throws -> IntakeSettings? {
        do { return try IntakeSettings.from(blueprint, listen: listen, publicURL: publicURL) } catch {
            throw Failure("\(error)")
        }
    }

    /// The booking page's settings: the business, and the agents whose notes hold the offered times.
    private static func bookingPage(_ blueprint: Blueprint, _ links: BookingLinks) -> BookingPageSettings {
        BookingPageSettings(
            businessName: blueprint.business.name, timeZone: blueprint.business.timeZone,
            schedulers: blueprint.agents.filter { $0.skill == "scheduling" }.map(\.id), links: links)
    }

    private static func log(_ message: String) {
        // On the runtime's clock, as the store is (BATON_NOW moves both).
        let stamp = ISO8601DateFormatter().string(from: RuntimeClock.now())
        // Log lines quote events from outside (a webhook's fields, a mail's subject): shown, not obeyed.
        FileHandle.standardError.write(Data("\(stamp) \(TerminalText.safe(message))\n".utf8))
    }
}
