import Foundation
import TerminalUI

/// Prints text meant for a person: names, answers, notes and messages that may hold text from
/// outside (a business name, an email subject, a workspace written by an older version). Control
/// characters and bidi overrides in it are shown, not obeyed (``TerminalText/safe(_:multiline:)``),
/// so a name cannot retitle the window or clear the screen.
///
/// Data written to standard output for a file or another program (`blueprint ID`, `answers export`)
/// goes out unchanged through `print` instead.
package func printText(_ text: String, terminator: String = "\n") {
    print(TerminalText.safe(text), terminator: terminator)
}

/// Text with the characters JSON may carry raw but a terminal would act on written as `\uXXXX`
/// escapes: C1 controls, DEL and the bidi embeddings, overrides and isolates. `JSONEncoder` already
/// escapes C0 controls; these can only stand inside JSON strings, so the JSON means the same.
package func escapingTerminalControls(inJSON json: String) -> String {
    guard json.unicodeScalars.contains(where: { TerminalText.needsNeutralising($0) }) else { return json }
    var out = ""
    for scalar in json.unicodeScalars {
        if TerminalText.needsNeutralising(scalar) {
            out += String(format: "\\u%04x", scalar.value)
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
