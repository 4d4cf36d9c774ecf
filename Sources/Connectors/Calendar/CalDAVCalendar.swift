import Blueprint
import Foundation
import Mail
import Orchestrator

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A calendar on a CalDAV server (RFC 4791): busy times read with a `calendar-query` REPORT
/// (time-range filtered, the multistatus answer parsed with an XML parser, each event's iCalendar
/// read by ``ICalendar``), bookings made by PUT of a VEVENT whose UID is the action's idempotency
/// key, with `If-None-Match: *` so a second attempt finds the first instead of doubling it.
/// Bookings go at most `concurrency` at a time, each request bounded by the timeout.
public struct CalDAVCalendar: CalendarConnector {
    /// The calendar collection, e.g. `https://dav.example.com/office/calendar/`.
    public let collection: URL
    let http: HTTPExchange
    let timeZone: TimeZone
    /// Requests in flight at once, at most (`concurrency` in the settings; 4).
    public let concurrency: Int

    public init(
        collection: URL, username: String? = nil, password: String? = nil, timeZone: TimeZone,
        timeout: TimeInterval = 30, concurrency: Int = 4
    ) {
        self.collection = collection.absoluteString.hasSuffix("/") ? collection : collection.appendingPathComponent("")
        self.http = HTTPExchange(username: username, password: password, timeout: timeout)
        self.timeZone = timeZone
        self.concurrency = max(1, concurrency)
    }

    /// Checks that the collection exists, the credentials work and it is a calendar (PROPFIND).
    public func check() async throws {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:displayname/></D:prop></D:propfind>
            """
        let answer = try await http.send(
            "PROPFIND", collection, headers: ["Depth": "0", "Content-Type": "application/xml; charset=utf-8"],
            body: Data(body.utf8))
        guard answer.status == 207 else { throw CalDAVError(status: answer.status, doing: "PROPFIND", at: collection) }
        let types = try DAVMultistatus(answer.body).childNames(of: "resourcetype")
        guard types.contains("calendar") else {
            throw ConnectorError(
                "\(collection.absoluteString) is not a calendar collection (it is: \(types.joined(separator: ", ")))")
        }
    }

    public func busy(from: Date, to: Date) async throws -> [DateInterval] {
        let body = """
            <?xml version="1.0" encoding="utf-8"?>
            <C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
              <D:prop><C:calendar-data/></D:prop>
              <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
                <C:time-range start="\(Self.utc(from))" end="\(Self.utc(to))"/>
              </C:comp-filter></C:comp-filter></C:filter>
            </C:calendar-query>
            """
        let answer = try await http.send(
            "REPORT", collection, headers: ["Depth": "1", "Content-Type": "application/xml; charset=utf-8"],
            body: Data(body.utf8))
        guard answer.status == 207 else { throw CalDAVError(status: answer.status, doing: "REPORT", at: collection) }
        return try DAVMultistatus(answer.body).texts(named: "calendar-data").flatMap { text in
            try ICalendar(text, timeZone: timeZone).busy(from: from, to: to)
        }.sorted { $0.start < $1.start }
    }

    public func book(_ appointments: [Appointment]) async -> [Int64: DeliveryOutcome] {
        await BoundedTasks.outcomes(appointments, atMost: concurrency) { appointment in
            [appointment.id: await book(appointment)]
        }
    }

    private func book(_ appointment: Appointment) async -> DeliveryOutcome {
        let url = collection.appendingPathComponent("\(appointment.uid).ics")
        do {
            let answer = try await http.send(
                "PUT", url, headers: ["Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"],
                body: Data(Self.event(appointment).utf8))
            switch answer.status {
            case 200..<300, 412: return .delivered  // 412: booked by an earlier attempt
            case 401, 403, 408, 429, 500...:
                return .retry("\(CalDAVError(status: answer.status, doing: "PUT", at: url))")
            default: return .dead("\(CalDAVError(status: answer.status, doing: "PUT", at: url))")
            }
        } catch {
            return .retry("\(error)")
        }
    }

    /// The appointment as an iCalendar VEVENT (the calendar server's copy: no `METHOD`).
    static func event(_ appointment: Appointment) -> String {
        CalendarInvitation(
            uid: appointment.uid, start: appointment.start, end: appointment.end, summary: appointment.title,
            attendee: appointment.attendee, attendeeName: appointment.attendeeName
        ).text
    }

    /// `20260302T160000Z`.
    static func utc(_ date: Date) -> String { CalendarInvitation.utc(date) }
}

/// A CalDAV request the server refused.
struct CalDAVError: Error, CustomStringConvertible {
    let status: Int
    let doing: String
    let at: URL
    var description: String {
        let hint =
            switch status {
            case 401, 403: " (check the calendar connector's username and password)"
            case 404: " (no such calendar: check the connector's url)"
            default: ""
            }
        return "\(doing) \(at.absoluteString): HTTP \(status)\(hint)"
    }
}

/// A WebDAV multistatus answer, read with Foundation's XML parser (namespaces resolved).
struct DAVMultistatus {
    private let root: Node

    final class Node {
        let name: String
        let namespace: String?
        var children: [Node] = []
        var text = ""
        init(name: String, namespace: String?) {
            self.name = name
            self.namespace = namespace
        }
    }

    init(_ data: Data) throws {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else {
            throw ConnectorError(
                "the server's answer is not valid XML: \(parser.parserError?.localizedDescription ?? "empty")")
        }
        self.root = root
    }

    /// The text of every element with this local name.
    func texts(named name: String) -> [String] {
        all(named: name).map(\.text)
    }

    /// The local names of the children of every element with this name.
    func childNames(of name: String) -> [String] {
        all(named: name).flatMap { $0.children.map(\.name) }
    }

    private func all(named name: String) -> [Node] {
        var found: [Node] = []
        var stack = [root]
        while let node = stack.popLast() {
            if node.name == name { found.append(node) }
            stack.append(contentsOf: node.children.reversed())
        }
        return found
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var root: Node?
        private var path: [Node] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = Node(name: elementName, namespace: namespaceURI)
            if let parent = path.last { parent.children.append(node) } else { root = node }
            path.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            path.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            path.last?.text += String(decoding: block, as: UTF8.self)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            _ = path.popLast()
        }
    }
}
