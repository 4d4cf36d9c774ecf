import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Orchestrator
import Signing

/// What the booking page shows, and the links it opens.
package struct BookingPageSettings: Sendable {
    package var businessName: String
    /// The business's time zone: the offered times are shown in it.
    package var timeZone: String
    /// The agents whose notes hold the offered times (`slots`) and the booking (`booked`): those with
    /// the scheduling skill.
    package var schedulers: [String]
    package var links: BookingLinks
    /// Requests (views and picks) per address a minute, and picks per case an hour.
    package var requestsPerMinute = 60
    package var picksPerHour = 10

    package init(businessName: String, timeZone: String, schedulers: [String], links: BookingLinks) {
        self.businessName = businessName
        self.timeZone = timeZone
        self.schedulers = schedulers
        self.links = links
    }
}

/// The public booking page the scheduling agent's replies link to: `GET /book/TOKEN` shows the
/// lead's name and the times offered, in the business's time zone, as a plain HTML form (no
/// script, works on a phone); `POST /book/TOKEN` with `start` stores `booking.requested` for the
/// case (synced before the answer; a second post of the same time is the same event) and the
/// engine books it if still free, else the lead gets other times by email.
///
/// The token is the only credential (``LinkToken``, purpose booking): a wrong or changed one is a
/// plain 404, an expired one a plain 410, neither saying anything of any case. Bounded: tokens
/// longer than ``LinkToken/maxLength`` are refused unread, a form body over ``maxFormBytes`` is
/// refused (413), only the times on offer are accepted, each address has
/// ``BookingPageSettings/requestsPerMinute`` and each case ``BookingPageSettings/picksPerHour``
/// (429 with `Retry-After` beyond). Pages carry a strict CSP (no script at all;
/// the one style block by its hash), are never cached, never framed, and send no referrer, so the
/// token does not leave the page.
struct BookingPage: Sendable {
    let store: any RuntimeStorage
    let settings: BookingPageSettings
    let writer: EventIntakeWriter
    let limiter: BookingLimiter

    /// The form's body at most: one field holding an RFC 3339 time.
    static let maxFormBytes = 1024
    /// Times shown at most (the skill offers three).
    static let maxSlots = 10

    init(store: any RuntimeStorage, settings: BookingPageSettings, writer: EventIntakeWriter) {
        self.store = store
        self.settings = settings
        self.writer = writer
        self.limiter = BookingLimiter(
            address: .init(limit: settings.requestsPerMinute, window: 60),
            case: .init(limit: settings.picksPerHour, window: 3600))
    }

    func routes(_ router: Router<IntakeRequestContext>) {
        router.get("/book/:token") { request, context in
            try await self.answer(request, context) { caseID, notes in self.show(caseID, notes, problem: nil) }
        }
        router.post("/book/:token") { request, context in
            try await self.answer(request, context) { caseID, notes in try await self.pick(request, caseID, notes) }
        }
    }

    /// The checks every request passes: the address's budget, then the token, then the case.
    private func answer(
        _ request: Request, _ context: IntakeRequestContext,
        _ body: (String, [String: [String: String]]) async throws -> Response
    ) async throws -> Response {
        if let wait = limiter.view(from: context.remoteAddress?.ipAddress ?? "unknown") {
            return Self.tooMany(wait)
        }
        let token = context.parameters.get("token") ?? ""
        switch settings.links.caseID(of: token, now: store.clock()) {
        case .failure(.expired):
            return Self.page(
                "This link has expired",
                "<p>This booking link is no longer valid. Reply to the email it came in and we will send new times.</p>",
                status: .gone)
        case .failure(.invalid): return Self.notFound
        case .success(let caseID):
            let notes = try await store.contextAsync(caseID: caseID).notes
            // A case pruned since the link was sent: nothing to show.
            guard !notes.isEmpty else { return Self.notFound }
            return try await body(caseID, notes)
        }
    }

    /// The page: the lead's name and the times on offer as a form, or the booking made.
    private func show(
        _ caseID: String, _ notes: [String: [String: String]], problem: String?,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let name = Self.shortened(notes["intake"]?["name"] ?? "", to: 100)
        let greeting = name.isEmpty ? "Hello" : "Hello \(Self.escape(name))"
        let business = Self.escape(settings.businessName)
        if let booked = booked(notes) {
            return Self.page(
                "You are booked",
                "<p>\(greeting), you are booked with \(business) for <strong>\(Self.escape(local(booked)))</strong> (\(Self.escape(settings.timeZone)) time).</p><p>To change it, reply to our email.</p>",
                status: status)
        }
        let slots = offered(notes)
        var html = "<p>\(greeting), pick the time that suits you for your appointment with \(business).</p>"
        if let problem { html += "<p class=\"problem\">\(Self.escape(problem))</p>" }
        guard !slots.isEmpty else {
            return Self.page(
                "Book a time",
                html + "<p>No times are on offer right now. Reply to our email and we will find one.</p>",
                status: status)
        }
        html += "<form method=\"post\"><fieldset><legend>Times (\(Self.escape(settings.timeZone)) time)</legend>"
        for (index, slot) in slots.enumerated() {
            let iso = Self.escape(SchedulingSkill.written(slot, in: settings.timeZone).iso)
            html +=
                "<label><input type=\"radio\" name=\"start\" value=\"\(iso)\" required\(index == 0 ? " checked" : "")> \(Self.escape(local(slot)))</label>"
        }
        html += "</fieldset><button>Book this time</button></form>"
        return Self.page("Book a time", html, status: status)
    }

    /// A time picked: checked against the times on offer and the case's budget, then stored.
    private func pick(_ request: Request, _ caseID: String, _ notes: [String: [String: String]]) async throws
        -> Response
    {
        guard Self.isForm(request.headers[.contentType]) else {
            return Self.page(
                "Not a form", "<p>Send the form on this page.</p>", status: .unsupportedMediaType)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxFormBytes {
            return Self.tooLarge
        }
        guard let buffer = try? await request.body.collect(upTo: Self.maxFormBytes) else { return Self.tooLarge }
        if booked(notes) != nil { return show(caseID, notes, problem: nil) }
        let choice = try? URLEncodedFormDecoder().decode(Choice.self, from: String(buffer: buffer))
        let slots = offered(notes)
        guard let start = choice?.start, let slot = slots.first(where: { Self.iso(start) == $0 }) else {
            return show(
                caseID, notes, problem: "That time is not on offer (any more): pick one of these.", status: .conflict)
        }
        if let wait = limiter.pick(caseID: caseID) { return Self.tooMany(wait) }
        let iso = SchedulingSkill.written(slot, in: settings.timeZone).iso
        let event = try IntakeEvent(
            type: Self.eventType, caseID: caseID, payload: ["start": iso], producer: "intake",
            idempotencyKey: "booking-page:\(caseID):\(iso)")
        do {
            _ = try await writer.submit(event)
        } catch {
            // Nothing stored (a full disk, a queue too long): the lead tries again, safely.
            var response = Self.page(
                "Try again in a moment",
                "<p>We could not take your request just now. Go back and send it again in a minute.</p>",
                status: .serviceUnavailable)
            response.headers[.retryAfter] = "30"
            return response
        }
        let name = Self.shortened(notes["intake"]?["name"] ?? "", to: 100)
        return Self.page(
            "Thank you",
            "<p>Thank you\(name.isEmpty ? "" : ", \(Self.escape(name))"). We have your request for <strong>\(Self.escape(local(slot)))</strong> (\(Self.escape(settings.timeZone)) time).</p><p>You will get an email confirming it with a calendar invitation, or offering other times if it was just taken.</p>"
        )
    }

    /// The event a pick stores.
    static let eventType = "booking.requested"

    /// The form's one field.
    struct Choice: Decodable {
        let start: String
    }

    /// The times on offer still ahead (from the scheduling agents' notes; never the lead's own).
    func offered(_ notes: [String: [String: String]]) -> [Date] {
        let now = store.clock()
        let written = settings.schedulers.compactMap { notes[$0]?["slots"] }.first ?? ""
        return written.split(separator: ",").prefix(Self.maxSlots).compactMap { Self.iso(String($0)) }.filter {
            $0 > now
        }
    }

    /// The time booked for the case, if one is.
    func booked(_ notes: [String: [String: String]]) -> Date? {
        settings.schedulers.compactMap { notes[$0]?["booked"] }.first.flatMap(Self.iso)
    }

    func local(_ date: Date) -> String { SchedulingSkill.written(date, in: settings.timeZone).local }

    static func iso(_ text: String) -> Date? {
        text.utf8.count <= 40 ? ISO8601DateFormatter().date(from: text) : nil
    }

    /// `application/x-www-form-urlencoded`, with or without parameters.
    static func isForm(_ contentType: String?) -> Bool {
        contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            == "application/x-www-form-urlencoded"
    }

    static func shortened(_ text: String, to limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    static func escape(_ text: String) -> String { Dashboard.escape(text) }

    static var notFound: Response {
        page("Not found", "<p>There is nothing at this address.</p>", status: .notFound)
    }

    static var tooLarge: Response {
        page("Too large", "<p>That request is larger than this page sends.</p>", status: .contentTooLarge)
    }

    static func tooMany(_ seconds: Int) -> Response {
        var response = page(
            "Too many requests", "<p>Too many requests came from here. Try again in \(seconds) s.</p>",
            status: .tooManyRequests)
        response.headers[.retryAfter] = "\(seconds)"
        return response
    }

    /// The page's one style block; the CSP allows it by its hash and nothing else.
    static let style =
        "body{font:17px/1.5 system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1rem;color:#1d2330}"
        + "h1{font-size:1.3rem}fieldset{border:1px solid #c9d1dd;border-radius:8px;padding:.6rem}"
        + "label{display:block;padding:.6rem .2rem;font-size:1.05rem}input{transform:scale(1.3);margin-right:.6rem}"
        + "button{font:inherit;width:100%;padding:.8rem;margin-top:1rem;border-radius:8px;border:0;background:#1f7a4d;color:#fff}"
        + ".problem{color:#a22}"

    static let styleHash = "sha256-" + Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()

    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        // The token is in the address: no other site learns it from a Referer.
        HTMLPage.response(
            title: title,
            head: "<meta name=\"robots\" content=\"noindex\"><title>\(escape(title))</title><style>\(style)</style>",
            body: body, styleSource: "'\(styleHash)'", referrerPolicy: "no-referrer",
            extraHeaders: [HTTPField.Name("X-Robots-Tag")!: "noindex"], status: status)
    }
}
