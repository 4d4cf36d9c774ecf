import ArgumentParser
import Foundation
import TerminalUI

/// A user-facing failure: one line on stderr (`baton: …`) and a non-zero exit, no stack trace.
package struct Failure: Error, CustomStringConvertible {
    package let description: String
    package let code: Int32

    package init(_ description: String, code: Int32 = 1) {
        self.description = description
        self.code = code
    }
}

/// Writes to standard error, with control characters shown rather than obeyed: messages quote
/// answers and file contents (``printText(_:terminator:)``).
package func printError(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.safe(text) + "\n").utf8))
}

/// Runs a command body, turning ``Failure`` and library errors into a message and an exit code.
package func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw exitCode(for: error)
    }
}

/// Runs an async command body, turning ``Failure`` and library errors into a message and an exit code.
package func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw exitCode(for: error)
    }
}

/// Says what went wrong on stderr; the exit code that goes with it.
private func exitCode(for error: any Error) -> ExitCode {
    switch error {
    case let failure as Failure:
        printError("baton: \(failure.description)")
        return ExitCode(failure.code)
    case let exit as ExitCode:
        return exit
    default:
        printError("baton: \(error)")
        return ExitCode(1)
    }
}

/// Encodes a value as stable, pretty JSON (sorted keys, ISO 8601 dates).
package func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return escapingTerminalControls(inJSON: String(decoding: try encoder.encode(value), as: UTF8.self))
}
