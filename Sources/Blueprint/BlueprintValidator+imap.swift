/// What `baton blueprint validate` can tell of an IMAP inbox before anything is connected: the
/// settings it cannot do without, and TLS turned off for a server that is not on this machine.
/// (`baton run` reads the same settings again, with their `${env:NAME}` values, in
/// `IMAPConfiguration`.)
extension BlueprintValidator {
    static func imapProblems(_ settings: [String: SettingValue]) -> [(key: String, message: String, hint: String)] {
        var problems: [(key: String, message: String, hint: String)] = []
        for key in ["host", "username", "password"] where settings[key] == nil {
            problems.append(
                (
                    key, "the IMAP inbox has no \(key)",
                    hint: key == "password" ? "password: ${env:IMAP_PASSWORD}" : "add \(key)"
                ))
        }
        guard case .string(let tls) = settings["tls"] else { return problems }
        if !["implicit", "starttls", "none"].contains(tls) && !tls.hasPrefix("${env:") {
            problems.append(("tls", "unknown IMAP tls '\(tls)'", "implicit (port 993), starttls (port 143) or none"))
        }
        if tls == "none", case .string(let host) = settings["host"],
            !(host == "localhost" || host == "::1" || host.hasPrefix("127."))
        {
            problems.append(
                (
                    "tls", "tls: none would send the password in the clear to \(host)",
                    "none is for a server on this machine only; use implicit or starttls"
                ))
        }
        return problems
    }
}
