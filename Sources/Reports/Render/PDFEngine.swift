import Foundation
import Spawning

/// A PDF engine found on the machine: WeasyPrint, else headless Chromium.
public struct PDFEngine: Sendable {
    public enum Kind: String, Sendable {
        case weasyprint, chromium
    }

    public let kind: Kind
    public let executable: String

    /// The first engine on `PATH`, or `nil`.
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> PDFEngine? {
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func which(_ name: String) -> String? {
            folders.map { ($0 as NSString).appendingPathComponent(name) }.first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
        }
        if let path = which("weasyprint") { return PDFEngine(kind: .weasyprint, executable: path) }
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let path = which(name) { return PDFEngine(kind: .chromium, executable: path) }
        }
        return nil
    }

    /// What to install when no engine is found.
    public static let installHint =
        "no PDF engine found: install WeasyPrint (`pip install weasyprint` or `apt-get install weasyprint`) or Chromium (`apt-get install chromium`), then run again"

    /// Renders an HTML file to a PDF file.
    /// - Throws: ``PDFError`` with the engine's own message when it fails.
    public func render(html: String, to pdf: String) throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        switch kind {
        case .weasyprint:
            process.arguments = [html, pdf]
        case .chromium:
            process.arguments = [
                "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer", "--print-to-pdf=\(pdf)",
                URL(fileURLWithPath: html).absoluteString,
            ]
        }
        let errors = Pipe()
        process.standardError = .pipe(errors)
        process.standardOutput = .nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf) else {
            throw PDFError(
                "\(kind.rawValue) could not render \(html): \(message.split(separator: "\n").suffix(3).joined(separator: " "))"
            )
        }
    }
}

/// A PDF that could not be made.
public struct PDFError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
