import NIOCore

/// One reply of an SMTP server: its code and its text lines (several for a multi-line reply).
struct SMTPResponse: Sendable, Equatable {
    let code: Int
    let lines: [String]
    /// Whether more bytes had already arrived behind it (the client never pipelines, so a server
    /// has no reason to send any: after STARTTLS's 220 they would be injected).
    var followedByMore = false

    /// The reply's text, lines joined.
    var text: String { lines.joined(separator: " ") }
}

/// Splits the server's bytes into replies (RFC 5321 §4.2): lines `CODE-text` continue a reply,
/// `CODE text` (or a bare `CODE`) ends it.
struct SMTPResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPResponse

    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = newline - buffer.readerIndex + 1
        var bytes = buffer.readBytes(length: length) ?? []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            throw SMTPError.protocolViolation("not an SMTP reply: \(line.prefix(80))")
        }
        let continues = bytes.count > 3 && bytes[3] == UInt8(ascii: "-")
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if !continues {
            context.fireChannelRead(
                wrapInboundOut(SMTPResponse(code: code, lines: lines, followedByMore: buffer.readableBytes > 0)))
            lines = []
        }
        return .continue
    }
}
