import HTTPTypes
import Hummingbird
import NIOCore

/// The shell and the headers of the server's HTML pages (the dashboard, the booking page): no
/// script may run, nothing may frame them, nothing of them is cached, and forms post only here.
enum HTMLPage {
    /// A page titled `title` (its `<h1>`), with `head` inside `<head>` after the charset and
    /// viewport, and `body` after the heading.
    ///
    /// - Parameters:
    ///   - styleSource: the CSP's `style-src`, e.g. `'unsafe-inline'` or `'sha256-…'`.
    ///   - referrerPolicy: what a link or a post from the page tells the next site.
    ///   - extraHeaders: more headers (e.g. `X-Robots-Tag`).
    static func response(
        title: String, head: String, body: String, styleSource: String, referrerPolicy: String,
        extraHeaders: HTTPFields = [:], status: HTTPResponse.Status
    ) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            \(head)</head>
            <body><h1>\(Dashboard.escape(title))</h1>
            \(body)
            </body></html>
            """
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy:
                "default-src 'none'; style-src \(styleSource); form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: referrerPolicy,
        ]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
