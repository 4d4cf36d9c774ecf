import NIOSSL

/// What a failed TLS handshake with a mail server means, in the words both mail clients (SMTP and
/// IMAP) use: an untrusted certificate says what to do about it.
enum TLSHandshakeFailure {
    static func describe(_ error: NIOSSLError) -> String {
        "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
            ? "TLS handshake failed: the server's certificate is not trusted (for a private server, name its CA in the connector's ca_file)"
            : "TLS handshake failed: \(error)"
    }
}
