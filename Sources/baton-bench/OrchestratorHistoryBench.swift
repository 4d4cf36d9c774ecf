import Blueprint
import Foundation
import Orchestrator
import Synchronization

/// `baton-bench orchestrator --history N`: what the day's work costs with a long history behind it.
/// One real lead is run through the agents and the dispatcher, then copied N times into a store,
/// spread over the past days (straight into the tables, in big transactions); the same figures are
/// measured on that store and on an empty one.
struct HistoryRun {
    let blueprint: Blueprint
    let leads: Int
    let days: Int

    /// Timed repetitions of each figure (after one untimed warm-up); the median is printed.
    static let repetitions = 15

    func run() async throws {
        var folders: [String] = []
        defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }
        func folder() throws -> String {
            let path = try BatonBench.OrchestratorRun.temporaryFolder()
            folders.append(path)
            return path
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        // The history ends at the midnight before the last 24 hours, so that today's work (and the
        // last 24 hours `baton kpis` reads) is the same in both stores; the day before it is a full
        // day of history, measured apart.
        let today = calendar.startOfDay(for: Date().addingTimeInterval(-86_400))
        let busyDay = today.addingTimeInterval(-43_200)

        // The template: one lead through the four agents and the dispatcher, its replies sent 20 s in.
        let templateFolder = try folder()
        let clock = Mutex(today.addingTimeInterval(-86_400 * Double(days + 1)))
        let template = try RuntimeStore(folder: templateFolder, clock: { clock.withLock { $0 } })
        try template.submit(
            type: "lead.received", caseID: "template-lead", payload: BatonBench.OrchestratorRun.lead, producer: "intake"
        )
        clock.withLock { $0 += 2 }
        try await Engine(blueprint: blueprint, store: template).runUntilIdle()
        clock.withLock { $0 += 18 }
        let dispatcher = Dispatcher(
            store: template, blueprint: blueprint, emailFolder: templateFolder + "/outbox", from: "bench@localhost")
        while try await dispatcher.dispatch() > 0 {}

        let empty = try RuntimeStore(folder: try folder())
        let historyFolder = try folder()
        let full = try RuntimeStore(folder: historyFolder)
        let seedStart = DispatchTime.now().uptimeNanoseconds
        let rows = try full.copyHistory(
            of: "template-lead", from: template, copies: leads, days: days, endingAt: today, batch: 10_000)
        let seedSeconds = Double(DispatchTime.now().uptimeNanoseconds - seedStart) / 1e9
        let size =
            (try? FileManager.default.attributesOfItem(atPath: historyFolder + "/runtime.sqlite")[.size] as? Int)
            .flatMap { $0 } ?? 0
        print(
            "orchestrator with history: \(leads) leads (\(rows) rows: events, outbox, audit, approvals, contexts) over the \(days) days before yesterday, seeded in \(String(format: "%.1f", seedSeconds)) s; store \(size / 1_048_576) MiB"
        )

        var figures: [(String, Double, Double, String)] = []
        func compare(_ name: String, target: String = "", _ measure: (RuntimeStore) async throws -> Void) async throws {
            figures.append((name, try await median(empty, measure), try await median(full, measure), target))
        }
        var newLead = 0
        try await compare("reply to a new lead (stored, then through the agents to the reply queued)", target: "within 2x") {
            store in
            newLead += 1
            try store.submit(
                type: "lead.received", caseID: "new-\(newLead)", payload: BatonBench.OrchestratorRun.lead,
                producer: "intake")
            try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        }
        try await compare("/metrics text", target: "under 100 ms") { _ = try await RuntimeMetrics.prometheus($0) }
        try await compare("kpis (the last 24 hours, as `baton kpis`)", target: "within 2x") {
            _ = try await KPIs.measure($0, blueprint: blueprint, from: Date().addingTimeInterval(-86_400))
        }
        try await compare("daily report, today", target: "within 2x") {
            _ = try await DailyReport($0, blueprint: blueprint, day: Date()).markdown
        }
        try await compare("daily report, a full day of history (\(leads / max(1, days)) leads)", target: "under 500 ms") {
            _ = try await DailyReport($0, blueprint: blueprint, day: busyDay).markdown
        }
        try await compare("kpis over that full day of history") {
            _ = try await KPIs.measure($0, blueprint: blueprint, from: busyDay.addingTimeInterval(-43_200), to: today)
        }
        try await compare("cases list, first page of 10", target: "within 2x") { _ = try $0.cases(limit: 10) }
        try await compare(
            "cases list, first page of 50 (the empty store has only the new leads above)", target: "under 100 ms"
        ) {
            _ = try $0.cases(limit: 50)
        }
        try await compare("cases list, a page deep in the history", target: "under 100 ms") { store in
            var page = try store.cases(limit: 50)
            // Far down: the cursor of the page that starts at about the middle of the history.
            if let next = page.next, let id = Int64(next) { page = try store.cases(limit: 50, after: String(id / 2)) }
        }
        print("  median of \(Self.repetitions) runs, empty store → with \(leads) leads of history:")
        for (name, before, after, target) in figures {
            print(
                "  \(name): \(milliseconds(before)) → \(milliseconds(after)) (\(String(format: "%.2f", after / before))x)\(target.isEmpty ? "" : "; target \(target)")"
            )
        }
    }

    private func median(_ store: RuntimeStore, _ measure: (RuntimeStore) async throws -> Void) async throws -> Double {
        try await measure(store)
        var times: [Double] = []
        for _ in 0..<Self.repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            try await measure(store)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }

    private func milliseconds(_ value: Double) -> String { String(format: "%.2f ms", value) }
}
