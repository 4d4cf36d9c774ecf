import Blueprint
import Foundation
import Mail
import Orchestrator

/// Busy times from an iCalendar feed or file (`https://…/basic.ics`, a path): read-only, so
/// bookings are kept in the built-in calendar.
public struct ICSFeedCalendar: CalendarConnector {
    /// An http(s) URL or a file path.
    public let source: String
    let http: HTTPExchange
    let timeZone: TimeZone

    public init(
        source: String, username: String? = nil, password: String? = nil, timeZone: TimeZone, timeout: TimeInterval = 30
    ) {
        self.source = source
        self.http = HTTPExchange(username: username, password: password, timeout: timeout)
        self.timeZone = timeZone
    }

    public func busy(from: Date, to: Date) async throws -> [DateInterval] {
        let text: String
        if source.hasPrefix("http://") || source.hasPrefix("https://"), let url = URL(string: source) {
            let answer = try await http.send("GET", url)
            guard answer.status == 200 else { throw ConnectorError("GET \(source): HTTP \(answer.status)") }
            text = answer.text
        } else {
            do {
                text = try String(contentsOfFile: source, encoding: .utf8)
            } catch {
                throw ConnectorError("cannot read the calendar file \(source): \(error.localizedDescription)")
            }
        }
        return try ICalendar(text, timeZone: timeZone).busy(from: from, to: to)
    }

    /// A feed cannot be written to: the dispatcher books in the built-in calendar instead.
    public func book(_ appointments: [Appointment]) -> [Int64: DeliveryOutcome] {
        Dictionary(uniqueKeysWithValues: appointments.map { ($0.id, .delivered) })
    }
}
