import Foundation

/// The runtime's clock: the system's, unless `BATON_NOW` names the instant to start from
/// (RFC 3339, e.g. `2026-03-10T15:00:00Z`), from which it runs on at the usual pace. It lets a
/// rehearsal or a test run the books clock, the daily report and the delayed steps on the days it
/// needs without waiting for them; a running business leaves it unset.
package enum RuntimeClock {
    /// The variable read.
    package static let variable = "BATON_NOW"

    /// This process's runtime clock, made once from its environment: the store, the log lines and
    /// the commands' default periods all read the same time.
    package static let process: Result<@Sendable () -> Date, any Error> = Result { try from() }

    /// Now on this process's runtime clock (the system's when `BATON_NOW` does not read: opening the
    /// store says why and stops).
    package static func now() -> Date { ((try? process.get()) ?? Date.init)() }

    /// The clock `environment` asks for.
    /// - Throws: ``Failure`` when `BATON_NOW` is set but is not an RFC 3339 time.
    package static func from(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> @Sendable () -> Date
    {
        guard let text = environment[variable], !text.isEmpty else { return Date.init }
        let formatter = ISO8601DateFormatter()
        guard let start = formatter.date(from: text) else {
            throw Failure("\(variable) must be an RFC 3339 time such as 2026-03-10T15:00:00Z, not '\(text)'")
        }
        let began = Date()
        return { start.addingTimeInterval(Date().timeIntervalSince(began)) }
    }
}
