/// Edits the end-to-end tests make to a golden blueprint's text.
public enum BlueprintEdits {
    /// `text` with its `.eml` email connector replaced by SMTP to a server on loopback `port`
    /// (no TLS, from the office's address, each read and write within `timeoutSeconds`), followed
    /// by the `extra` settings lines (`name: value`).
    public static func sendingBySMTP(_ text: String, port: Int, timeoutSeconds: Int, extra: [String] = []) -> String {
        let settings =
            [
                "host: 127.0.0.1", "port: \(port)", "tls: never", "from: office@bowriver.example",
                "timeout_seconds: \(timeoutSeconds)",
            ] + extra
        return text.replacingOccurrences(
            of: "  email:\n    kind: eml_folder\n    settings:\n      folder: outbox\n",
            with: "  email:\n    kind: smtp\n    settings:\n" + settings.map { "      \($0)\n" }.joined())
    }
}
