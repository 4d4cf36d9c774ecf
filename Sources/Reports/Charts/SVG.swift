import Foundation

/// A small SVG writer: every piece of text goes through ``escape(_:)``, so labels that came from
/// a person can never become markup.
struct SVG {
    let width: Double
    let height: Double
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Escapes text for XML and HTML: `& < > " '`.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A number as SVG wants it: at most one decimal, no trailing `.0`.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// How wide `text` draws at `size`, on the generous side: the charts name DejaVu Sans first (as
    /// the page does), so the widths are DejaVu's advances rounded up per class of character (a
    /// test checks them against the real font); Helvetica or Arial, where they stand in, are narrower.
    static func width(of text: String, size: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch scalar {
            case "i", "l", "j", "'", "|", ".", ",", ":", ";", "!", " ", "\u{00A0}": ems += 0.42
            case "f", "t", "r", "I", "(", ")", "[", "]", "-": ems += 0.46
            case "m", "M", "W", "w", "%", "@", "…": ems += 1.02
            case "0"..."9", "$", "€", "£", "−", "+", "#", "_", "=", "?", "/", "\\": ems += 0.66
            case "A"..."Z", "&": ems += 0.8
            default:
                if scalar.properties.generalCategory == .nonspacingMark || v == 0xFE0F || v == 0x200D {
                    continue  // combining marks, variation selectors and joiners take no room of their own
                }
                // Emoji, CJK and other wide scripts take a full em; Latin and the rest about two thirds.
                ems += v >= 0x1100 ? 1.05 : 0.7
            }
        }
        return ems * size * (bold ? 1.1 : 1)
    }

    /// `text` shortened with "…" until it fits `room` at `size` (whole characters, so an emoji
    /// or an accented letter is never cut in half).
    static func fit(_ text: String, room: Double, size: Double, bold: Bool = false) -> String {
        guard width(of: text, size: size, bold: bold) > room else { return text }
        var shortened = Substring(text)
        while !shortened.isEmpty, width(of: shortened + "…", size: size, bold: bold) > room {
            shortened = shortened.dropLast()
        }
        return shortened.trimmingCharacters(in: .whitespaces) + "…"
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, dash: Bool = false
    ) {
        let strokeAttributes =
            stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" + (dash ? " stroke-dasharray=\"3 2\"" : "") } ?? ""
        body.append(
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(0, width)))\" height=\"\(Self.n(max(0, height)))\" fill=\"\(fill)\"\(strokeAttributes)/>"
        )
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: Bool = false
    ) {
        body.append(
            "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(dash ? " stroke-dasharray=\"4 3\"" : "")/>"
        )
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"/>")
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String, stroke: String) {
        body.append(
            "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"2\"/>"
        )
    }

    enum Anchor: String {
        case start, middle, end
    }

    mutating func text(
        _ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 11, bold: Bool = false,
        fill: String = "#222"
    ) {
        body.append(
            "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(Self.n(size))\"\(bold ? " font-weight=\"bold\"" : "") fill=\"\(fill)\">\(Self.escape(content))</text>"
        )
    }

    /// The finished figure: an accessible image with its title and text alternative.
    func render(id: String, title: String, description: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" width="100%" aria-labelledby="\(id)-title \(id)-desc" font-family="DejaVu Sans, Helvetica, Arial, sans-serif"><title id="\(id)-title">\(Self.escape(title))</title><desc id="\(id)-desc">\(Self.escape(description))</desc>\(body.joined())</svg>
        """
    }
}
