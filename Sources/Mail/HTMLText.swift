/// An HTML-only message turned into text to read: tags dropped (scripts, styles, the head and
/// comments with their content), block elements as line breaks, list items as `- `, a link's
/// address after its text when they differ, character references decoded, spaces collapsed.
/// Never run, never fetched: the HTML is only read. Linear in its length.
enum HTMLText {
    private static let blocks: Set<String> = [
        "p", "div", "br", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "pre",
        "section", "article", "header", "footer", "address", "dl", "dt", "dd", "form", "fieldset", "body", "html",
    ]
    private static let hidden: Set<String> = ["script", "style", "head", "title", "template", "noscript", "svg"]

    static func text(fromHTML html: String) -> String {
        let input = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        var space = false
        var link: String?
        var linkText = String.UnicodeScalarView()

        /// Ends the line so that the text ends with `count` line breaks (one: a new line; two: a blank
        /// line), never more; nothing at the very start.
        func lineBreak(_ count: Int) {
            while out.last == " " { out.removeLast() }
            space = false
            guard !out.isEmpty else { return }
            var have = 0
            for scalar in out.reversed() {
                guard scalar == "\n", have < 2 else { break }
                have += 1
            }
            for _ in have..<max(have, count) { out.append("\n") }
        }
        func emit(_ scalar: Unicode.Scalar) {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" {
                space = true
                return
            }
            if space, let last = out.last, last != "\n" {
                out.append(" ")
                if link != nil { linkText.append(" ") }
            }
            space = false
            out.append(scalar)
            if link != nil { linkText.append(scalar) }
        }

        while index < input.count {
            let scalar = input[index]
            if scalar == "<" {
                if matches(input, at: index, "<!--") {
                    index = find(input, "-->", from: index + 4).map { $0 + 3 } ?? input.count
                    continue
                }
                guard let close = input[index...].firstIndex(of: ">") else { break }
                let tag = Array(input[(index + 1)..<close])
                index = close + 1
                let closing = tag.first == "/"
                let name = String(
                    String.UnicodeScalarView(
                        tag.drop(while: { $0 == "/" }).prefix(while: {
                            $0.properties.isAlphabetic || ("0"..."9").contains($0)
                        })
                    )
                ).lowercased()
                if !closing && hidden.contains(name) && tag.last != "/" {
                    // Skip to the element's end tag, and past it.
                    if let end = find(input, Array("</\(name)".unicodeScalars), from: index, caseInsensitive: true) {
                        index = input[end...].firstIndex(of: ">").map { $0 + 1 } ?? input.count
                    } else {
                        index = input.count
                    }
                    continue
                }
                if name == "li" && !closing {
                    lineBreak(1)
                    out.append(contentsOf: "- ".unicodeScalars)
                } else if name == "td" || name == "th" {
                    space = true
                } else if name == "br" {
                    let ends = out.last == "\n" && out.dropLast().last == "\n"
                    while out.last == " " { out.removeLast() }
                    if !ends && !out.isEmpty { out.append("\n") }
                    space = false
                } else if blocks.contains(name) {
                    lineBreak(name == "p" || (name.count == 2 && name.first == "h") ? 2 : 1)
                } else if name == "a" && !closing {
                    link = attribute("href", in: tag) ?? ""
                    linkText = String.UnicodeScalarView()
                } else if name == "a" && closing, let href = link {
                    link = nil
                    let shown = String(linkText).trimmed
                    if (href.hasPrefix("http://") || href.hasPrefix("https://")) && shown != href && !shown.isEmpty {
                        out.append(contentsOf: " (\(href))".unicodeScalars)
                    }
                }
                continue
            }
            if scalar == "&" {
                let (decoded, next) = reference(input, at: index)
                for character in decoded.unicodeScalars {
                    emit(character == "\u{A0}" ? " " : character)
                }
                index = next
                continue
            }
            emit(scalar)
            index += 1
        }
        var text = String(out)
        while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
        while text.hasPrefix("\n") { text.removeFirst() }
        return text
    }

    /// The index of `needle` in `input` from `start`.
    private static func find(
        _ input: [Unicode.Scalar], _ needle: String, from start: Int
    ) -> Int? {
        find(input, Array(needle.unicodeScalars), from: start, caseInsensitive: false)
    }

    private static func find(
        _ input: [Unicode.Scalar], _ needle: [Unicode.Scalar], from start: Int, caseInsensitive: Bool
    ) -> Int? {
        guard let first = needle.first, needle.count <= input.count else { return nil }
        var index = start
        while index + needle.count <= input.count {
            if same(input[index], first, caseInsensitive) {
                var matched = 1
                while matched < needle.count && same(input[index + matched], needle[matched], caseInsensitive) {
                    matched += 1
                }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    private static func same(_ a: Unicode.Scalar, _ b: Unicode.Scalar, _ caseInsensitive: Bool) -> Bool {
        if a == b { return true }
        guard caseInsensitive, a.isASCII, b.isASCII else { return false }
        return (a.value | 0x20) == (b.value | 0x20) && (a.value | 0x20) >= 0x61 && (a.value | 0x20) <= 0x7A
    }

    private static func matches(_ input: [Unicode.Scalar], at index: Int, _ text: String) -> Bool {
        let needle = Array(text.unicodeScalars)
        return index + needle.count <= input.count && Array(input[index..<(index + needle.count)]) == needle
    }

    /// An attribute's value inside a tag's text (`a href="…"`), entities decoded.
    private static func attribute(_ name: String, in tag: [Unicode.Scalar]) -> String? {
        let text = String(String.UnicodeScalarView(tag))
        let lower = text.lowercased()
        guard let range = lower.range(of: "\(name)=") else { return nil }
        var rest = text[range.upperBound...].drop(while: { $0 == " " })
        var value = ""
        if let quote = rest.first, quote == "\"" || quote == "'" {
            rest = rest.dropFirst()
            value = String(rest.prefix(while: { $0 != quote }))
        } else {
            value = String(rest.prefix(while: { $0 != " " && $0 != ">" }))
        }
        let scalars = Array(value.unicodeScalars)
        var decoded = ""
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&" {
                let (text, next) = reference(scalars, at: index)
                decoded += text
                index = next
            } else {
                decoded.unicodeScalars.append(scalars[index])
                index += 1
            }
        }
        return decoded
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "©", "reg": "®",
        "euro": "€", "pound": "£", "eacute": "é", "egrave": "è", "agrave": "à", "ccedil": "ç", "uuml": "ü",
        "ouml": "ö", "auml": "ä", "szlig": "ß", "hellip": "…", "mdash": "—", "ndash": "–", "rsquo": "’",
        "lsquo": "‘", "rdquo": "”", "ldquo": "“", "bull": "•", "middot": "·", "trade": "™", "deg": "°",
    ]

    /// The character reference at `index` (`&amp;`, `&#233;`, `&#xE9;`) and the index after it; a
    /// lone `&` as itself.
    private static func reference(_ input: [Unicode.Scalar], at index: Int) -> (String, Int) {
        var end = index + 1
        while end < input.count, end - index <= 32, input[end] != ";",
            input[end].properties.isAlphabetic || ("0"..."9").contains(input[end]) || input[end] == "#"
        {
            end += 1
        }
        guard end < input.count, input[end] == ";", end > index + 1 else { return ("&", index + 1) }
        let name = String(String.UnicodeScalarView(input[(index + 1)..<end]))
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", end + 1) }
            return (String(scalar), end + 1)
        }
        guard let text = named[name] ?? named[name.lowercased()] else { return ("&", index + 1) }
        return (text, end + 1)
    }
}
