import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Orchestrator
import Signing

/// How the HTTP intake listens and whom it lets in.
public struct IntakeSettings: Sendable {
    public var host: String
    /// 0 picks a free port (tests); the running port is reported when the server is up.
    public var port: Int
    /// The bearer token a form or tool may send (`Authorization: Bearer …`).
    public var token: String?
    /// The secret for signed requests (`X-Baton-Signature: t=UNIX,v1=HEX` over `"t.body"`).
    public var hmacSecret: String?
    /// Bodies larger than this are refused (413).
    public var maxBodyBytes: Int
    /// Signed requests older (or newer) than this are refused as replays.
    public var replayWindow: TimeInterval
    /// The event types outside tools may send: the blueprint's `intake` list.
    public var acceptedTypes: Set<String>
    /// Submissions that may wait for their group commit (or be in it); one more is answered 503
    /// with `Retry-After`.
    public var maxWaiting: Int
    /// How long a submission may wait for its commit before it is answered 503.
    public var commitTimeout: Duration
    /// A request's head must be complete this long after its connection opens (or its previous
    /// answer ends): a client that sends half its headers, or nothing, is cut off.
    public var headerTimeout: Duration = .seconds(10)
    /// A request's body must be complete this long after its head, however it trickles in.
    public var bodyTimeout: Duration = .seconds(30)
    /// Open connections at most; lowered to fit the descriptor limit (see ``IntakeServer/connectionCapacity``).
    public var maxConnections: Int = 512
    /// Who may read `GET /metrics`: loopback clients (the default), or whoever has the token.
    public var metricsAccess: MetricsAccess = .loopback
    /// Where people reach the server (`https://baton.example.com`), when a proxy in front of it
    /// terminates TLS: the dashboard's cookies are `Secure` when it is `https://…` (docs/security.md).
    public var publicURL: String? = nil

    public init(
        host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, hmacSecret: String? = nil,
        maxBodyBytes: Int = 64 * 1024, replayWindow: TimeInterval = 300, acceptedTypes: Set<String>,
        maxWaiting: Int = 4096, commitTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.hmacSecret = hmacSecret
        self.maxBodyBytes = maxBodyBytes
        self.replayWindow = replayWindow
        self.acceptedTypes = acceptedTypes
        self.maxWaiting = maxWaiting
        self.commitTimeout = commitTimeout
    }

    /// Why intake refuses everything, if it does: neither a token nor a secret is set.
    public var closedBecause: String? {
        token == nil && hmacSecret == nil
            ? "intake is closed: neither a token nor an HMAC secret is set (the blueprint names the variables; defaults BATON_INTAKE_TOKEN and BATON_INTAKE_HMAC_SECRET)"
            : nil
    }
}

/// The HTTP side of `baton run`: `POST /v1/events` (authenticated, size-limited, validated, durable
/// before its 2xx, idempotent with `Idempotency-Key`), `GET /healthz`, `GET /metrics`, and the
/// approvals dashboard (``Dashboard``).
public struct IntakeServer: Sendable {
    let store: any RuntimeStorage
    let settings: IntakeSettings
    let dashboard: Dashboard?
    /// The public booking page (`/book/TOKEN`), when a public URL says where it is reached.
    let booking: BookingPage?
    /// Group commit: the submissions that arrive together share one synced commit.
    let writer: EventIntakeWriter
    /// Open connections at most: `settings.maxConnections`, or fewer where the descriptor limit
    /// (its soft value raised to the hard one on start) must keep room for the database, the outbox
    /// and the listener.
    public let connectionCapacity: Int

    /// - Parameters:
    ///   - reportsFolder: where the daily reports are, for the dashboard (which is served when this
    ///     is given).
    ///   - booking: what the booking page shows and the links it opens; no page without it.
    ///   - signIn: the dashboard sign-in's backoff.
    ///   - onAccepted: called after each commit that stored new events (to wake the engine).
    package init(
        store: any RuntimeStorage, settings: IntakeSettings, reportsFolder: String? = nil, dashboard: Bool = true,
        booking: BookingPageSettings? = nil, signIn: SignInThrottle.Policy = .init(),
        onAccepted: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.settings = settings
        self.dashboard =
            dashboard
            ? Dashboard(
                store: store, reportsFolder: reportsFolder, publicURL: settings.publicURL,
                limiter: SignInLimiter(policy: signIn))
            : nil
        self.connectionCapacity = DescriptorBudget.connections(
            requested: settings.maxConnections, softLimit: DescriptorBudget.raiseSoftLimit() ?? .max)
        let writer = EventIntakeWriter(
            store: store,
            limits: .init(maxWaiting: settings.maxWaiting, timeout: settings.commitTimeout),
            onCommit: onAccepted)
        self.writer = writer
        self.booking = booking.map { BookingPage(store: store, settings: $0, writer: writer) }
    }

    /// The application; `onRunning` gets the port it listens on.
    public func application(onRunning: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: IntakeRequestContext.self)
        router.post("/v1/events") { request, _ in try await self.receive(request) }
        router.get("/healthz") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        // Load balancers check with HEAD: the same answer without its body.
        router.head("/healthz") { _, _ in Response(status: .ok, headers: [.contentLength: "3"]) }
        router.get("/metrics") { request, context in
            let access = self.settings.metricsAccess
            if let refused = access.refusal(remote: context.remoteAddress, headers: request.headers) {
                return Self.refusal(refused.status, refused.message)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try await RuntimeMetrics.prometheus(self.store))))
        }
        dashboard?.routes(router)
        booking?.routes(router)
        if dashboard != nil { ApprovalsAPI(store: store).routes(router) }
        var logger = Logger(label: "baton.intake")
        // Stopping the run cancels the server, which Hummingbird reports as an error: only critical ones show.
        logger.logLevel = .critical
        let registry = ConnectionRegistry(capacity: connectionCapacity, refusalCapacity: DescriptorBudget.refusals)
        let timeouts = ConnectionStateMachine.Timeouts(
            header: settings.headerTimeout, body: settings.bodyTimeout, linger: min(settings.bodyTimeout, .seconds(2)))
        return Application(
            router: router, server: .guardedHTTP1(timeouts: timeouts, registry: registry),
            configuration: .init(address: .hostname(settings.host, port: settings.port), backlog: 1024),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// One submission, checked in order: open, credentials (before a byte of the body is read),
    /// content type, size, signature, JSON, then stored.
    func receive(_ request: Request) async throws -> Response {
        if let closed = settings.closedBecause { return Self.refusal(.serviceUnavailable, closed) }
        if let refused = refusalBeforeBody(request) { return Self.refusal(.unauthorized, refused) }
        guard Self.isJSON(request.headers[.contentType]) else {
            let expected = "application/json"
            let message = "the body must be JSON, sent as Content-Type: \(expected)"
            return Self.json(.unsupportedMediaType, ["error": message, "expected": expected])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxBodyBytes {
            return Self.refusal(.contentTooLarge, "the body is larger than \(settings.maxBodyBytes) bytes")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: settings.maxBodyBytes)
        } catch {
            return Self.refusal(.contentTooLarge, "the body is larger than \(settings.maxBodyBytes) bytes")
        }
        let body = Data(buffer: buffer)
        if let refused = authenticate(request, body) { return Self.refusal(.unauthorized, refused) }
        let submission: Submission
        switch Submission.read(body, accepting: settings.acceptedTypes) {
        case .success(let read): submission = read
        case .failure(let problem): return Self.refusal(problem.status, problem.message, field: problem.field)
        }
        // Times the runtime will read (a booking's start…) are RFC 3339 and inside its window, or refused.
        if let bad = AcceptedTime.problem(in: submission.payload, now: store.clock()) {
            return Self.refusal(.unprocessableContent, bad.message, field: bad.field)
        }
        // Trust (IntakeServer+trust.swift): the key is this producer's, a case is named only with
        // its token, and a signature is remembered so that it is good once.
        let caseID: String
        switch await self.caseID(for: submission) {
        case .success(let id): caseID = id
        case .failure(let problem): return Self.refusal(problem.status, problem.message, field: problem.field)
        }
        let event: IntakeEvent
        do {
            event = try IntakeEvent(
                type: submission.type, caseID: caseID, payload: submission.payload, producer: "intake",
                idempotencyKey: scopedKey(request), signature: usedSignature(request))
        } catch {
            return Self.refusal(.unprocessableContent, "the payload cannot be stored as JSON")
        }
        // Committed (synced, in a group with whatever arrived meanwhile) before the answer: a 2xx
        // means the event survives a crash.
        let stored: StoredIntake
        do {
            stored = try await writer.submit(event)
        } catch let busy as IntakeWriterError {
            var response = Self.refusal(.serviceUnavailable, busy.description)
            response.headers[.retryAfter] = "1"
            return response
        } catch let refused as IntakeRefusal {
            return Self.refusal(refused, key: request.headers[HTTPField.Name("Idempotency-Key")!])
        } catch where store.isUnavailable(error) {
            // The disk is full (or the file busy or failing): nothing stored; the sender tries again later.
            var response = Self.refusal(
                .serviceUnavailable, "the event could not be stored for now (the store cannot write); try again later")
            response.headers[.retryAfter] = "\(Self.unavailableRetryAfter)"
            return response
        } catch {
            // Rolled back (alone, or with its group): nothing stored, so a retry is safe.
            return Self.refusal(.internalServerError, "the event could not be stored; try again")
        }
        guard stored.isNew else {
            // A retry of a stored submission: the first one's event, nothing stored again.
            return Self.json(.ok, ["event": "\(stored.id)", "case": stored.caseID, "repeat": "true"])
        }
        return Self.json(.accepted, ["event": "\(stored.id)", "case": stored.caseID])
    }

    /// Why the request is not let in, decided from its head alone, or nil: no credential, or a wrong
    /// bearer token, is refused before a byte of the body is read (the answer ends the connection,
    /// the body is dropped unread). Only a signature needs the body; the size limit and the body
    /// timeout bound that read.
    func refusalBeforeBody(_ request: Request) -> String? {
        let bearer = request.headers[.authorization]?.hasPrefix("Bearer ") == true
        let signed = request.headers[HTTPField.Name("X-Baton-Signature")!] != nil
        return bearer || !signed ? authenticate(request, Data()) : nil
    }

    /// `application/json`, in any case, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let mediaType = contentType?.split(separator: ";", omittingEmptySubsequences: false).first else {
            return false
        }
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    /// Why the request is not let in, or nil: a matching bearer token, or a fresh matching signature.
    func authenticate(_ request: Request, _ body: Data) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            guard let token = settings.token else { return "bearer tokens are not accepted here" }
            return Self.same(String(header.dropFirst(7)), token) ? nil : "the bearer token is wrong"
        }
        if let header = request.headers[HTTPField.Name("X-Baton-Signature")!] {
            guard let secret = settings.hmacSecret else { return "signed requests are not accepted here" }
            var fields: [String: String] = [:]
            for part in header.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2 { fields[pair[0]] = pair[1] }
            }
            guard let stamp = fields["t"], let seconds = TimeInterval(stamp), let signature = fields["v1"] else {
                return "X-Baton-Signature must be t=UNIX-SECONDS,v1=HEX"
            }
            let age = store.clock().timeIntervalSince1970 - seconds
            guard age <= settings.replayWindow else {
                return "the signature's time is more than \(Int(settings.replayWindow)) s old (a replay?)"
            }
            guard age >= -Self.futureSkew else {
                return "the signature's time is more than \(Int(Self.futureSkew)) s ahead of this server's clock"
            }
            let expected = Self.signature(secret: secret, timestamp: stamp, body: body)
            return Self.same(signature.lowercased(), expected) ? nil : "the signature does not match the body"
        }
        return "send Authorization: Bearer TOKEN or X-Baton-Signature: t=…,v1=…"
    }

    /// HMAC-SHA256 of `"TIMESTAMP." + body` with the secret, in lower-case hex.
    public static func signature(secret: String, timestamp: String, body: Data) -> String {
        RequestSignature.hex(secret: secret, timestamp: timestamp, body: body)
    }

    /// Compares in time that depends neither on where the texts differ nor on their lengths: their
    /// SHA-256 digests are compared, byte by byte, all the way.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(RequestSignature.digest(a))
        let y = Array(RequestSignature.digest(b))
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Seconds a sender waits before trying again when the store cannot write (a full disk).
    static let unavailableRetryAfter = 30

    static func refusal(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) -> Response {
        var answer = ["error": message]
        if let field { answer["field"] = field }
        var response = json(status, answer)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"baton\"" }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: StringMapJSON.encode(object))))
    }
}

extension IntakeServer {
    /// How many group commits the intake made, and the largest group: for the benchmark.
    public var commitGroups: (count: Int, largest: Int) { writer.groups }
}
