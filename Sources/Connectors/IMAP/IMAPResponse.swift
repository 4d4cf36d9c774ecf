import NIOCore

/// One response of an IMAP server (RFC 3501 §7): a line, or several lines joined by the literals
/// `{n}` they announce. `segments` are the text between the literals (each without its CRLF), so
/// there is always one more segment than literals.
struct IMAPResponse: Sendable, Equatable {
    var segments: [[UInt8]]
    var literals: [[UInt8]]
    /// Whether more bytes had already arrived behind it: after STARTTLS's OK they would have come
    /// before TLS (an injection), so the client refuses to go on.
    var followedByMore = false

    init(segments: [[UInt8]], literals: [[UInt8]] = [], followedByMore: Bool = false) {
        self.segments = segments
        self.literals = literals
        self.followedByMore = followedByMore
    }

    /// What kind of response it is, from its first word.
    enum Kind: Equatable {
        /// `* …` (data or status the server sends on its own or for a command).
        case untagged
        /// `+ …` (the server waits for the rest of a command: a literal, a SASL response, IDLE's DONE).
        case continuation
        /// `TAG OK|NO|BAD …`, the end of the command with that tag.
        case tagged(String)
    }

    var kind: Kind {
        let first = segments.first ?? []
        if first.first == UInt8(ascii: "*") { return .untagged }
        if first.first == UInt8(ascii: "+") { return .continuation }
        let tag = first.prefix { $0 != UInt8(ascii: " ") }
        return .tagged(String(decoding: tag, as: UTF8.self))
    }

    /// The first line as text, literals left out (for status responses and messages).
    var firstLine: String { String(decoding: segments.first ?? [], as: UTF8.self) }
}

/// Splits the server's bytes into ``IMAPResponse``s, reading the literals `{n}` a line announces,
/// within bounds a hostile server cannot push past: a line (without its literals) of at most
/// `maxLine` bytes, a literal of at most `maxLiteral`, at most `maxLiterals` literals in one
/// response. Past a bound it fails (the connection is then closed), it never waits for more.
///
/// Between whole responses it fires ``IMAPProgress`` so that the deadline counts a large literal
/// arriving slowly as a server that is still answering.
struct IMAPResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = IMAPResponse

    struct Limits: Sendable {
        var maxLine: Int
        var maxLiteral: Int
        var maxLiterals = 16
    }

    let limits: Limits
    private var segments: [[UInt8]] = []
    private var literals: [[UInt8]] = []
    /// The literal being read and how many bytes it still needs.
    private var literal: [UInt8]?
    private var literalRemaining = 0

    init(limits: Limits) {
        self.limits = limits
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if literal != nil {
            let take = min(literalRemaining, buffer.readableBytes)
            if take > 0, let bytes = buffer.readBytes(length: take) {
                literal!.append(contentsOf: bytes)
                literalRemaining -= take
            }
            guard literalRemaining == 0, let done = literal else {
                context.fireUserInboundEventTriggered(IMAPProgress())
                return .needMoreData
            }
            literals.append(done)
            literal = nil
            return .continue
        }
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            guard buffer.readableBytes <= limits.maxLine else {
                throw IMAPError.protocolViolation(
                    "the server sent a line longer than \(IMAPError.bytes(limits.maxLine)) without its end")
            }
            if buffer.readableBytes > 0 { context.fireUserInboundEventTriggered(IMAPProgress()) }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        let lineLength = segments.reduce(0) { $0 + $1.count } + length
        guard lineLength <= limits.maxLine + 2 else {
            throw IMAPError.protocolViolation("the server sent a line longer than \(IMAPError.bytes(limits.maxLine))")
        }
        var bytes = buffer.readBytes(length: length) ?? []
        bytes.removeLast()
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        segments.append(bytes)
        if let announced = Self.literalLength(atEndOf: bytes) {
            guard announced <= limits.maxLiteral else {
                throw IMAPError.protocolViolation(
                    "the server announced a literal of \(IMAPError.bytes(announced)), more than the \(IMAPError.bytes(limits.maxLiteral)) allowed"
                )
            }
            guard literals.count < limits.maxLiterals else {
                throw IMAPError.protocolViolation(
                    "the server sent a response with more than \(limits.maxLiterals) literals")
            }
            literal = []
            literal!.reserveCapacity(min(announced, 1 << 20))
            literalRemaining = announced
            return .continue
        }
        let response = IMAPResponse(
            segments: segments, literals: literals, followedByMore: buffer.readableBytes > 0)
        segments = []
        literals = []
        context.fireChannelRead(wrapInboundOut(response))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // A response cut off by the end of the connection is dropped: the replies then end.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// `n` when the line ends with a literal's announcement `{n}` (or the client-side `{n+}`); a
    /// number too long to be a size counts as too large.
    static func literalLength(atEndOf line: [UInt8]) -> Int? {
        guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        var digits = line[(open + 1)..<(line.count - 1)]
        if digits.last == UInt8(ascii: "+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        guard digits.count <= 15 else { return Int.max }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

/// Bytes of a response arrived (part of a line or of a literal): the server is still answering.
struct IMAPProgress: Sendable {}
