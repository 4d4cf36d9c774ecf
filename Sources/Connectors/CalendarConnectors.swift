import Blueprint
import Foundation
import Orchestrator

/// The calendar connector a blueprint chooses by `connectors.calendar.kind`.
public enum CalendarConnectors {
    /// `builtin` (nil: the runtime's own calendar), `caldav` (`url`, `username`, `password`,
    /// `concurrency`: bookings in flight at once, 4) or `ics` (`url`: an http(s) feed or a file
    /// path); both take `timeout_seconds` (30) for each request.
    public static func make(
        for blueprint: Blueprint, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> CalendarConnector? {
        let connector = blueprint.connectors.calendar
        let settings = ConnectorSettings("calendar", connector, environment: environment)
        let zone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let timeout = TimeInterval(try settings.integer("timeout_seconds", or: 30))
        switch connector.kind {
        case "caldav":
            let text = try settings.required("url")
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https" else {
                throw ConnectorError("connectors.calendar.settings.url is not an http(s) URL: \(text)")
            }
            return CalDAVCalendar(
                collection: url, username: try settings.string("username"), password: try settings.string("password"),
                timeZone: zone, timeout: timeout, concurrency: try settings.integer("concurrency", or: 4))
        case "ics":
            return ICSFeedCalendar(
                source: try settings.required("url"), username: try settings.string("username"),
                password: try settings.string("password"), timeZone: zone, timeout: timeout)
        default:
            return nil
        }
    }

    /// Minutes between two reads of the outside calendar: `refresh_minutes`, default 5.
    public static func refreshMinutes(for blueprint: Blueprint) throws -> Int {
        max(
            1,
            try ConnectorSettings("calendar", blueprint.connectors.calendar, environment: [:]).integer(
                "refresh_minutes", or: 5))
    }

    /// Where the busy times come from, in words, for the log.
    public static func describe(_ calendar: CalendarConnector?) -> String {
        switch calendar {
        case let caldav as CalDAVCalendar: return "CalDAV \(caldav.collection.absoluteString)"
        case let feed as ICSFeedCalendar: return "the iCalendar feed \(feed.source)"
        default: return "the built-in calendar"
        }
    }
}
