import Foundation

/// The pieces of free text the lead reader looks for: plain text out of HTML, words, amounts of
/// money, postal codes and place names. Every pattern is linear in the text (no nested repeats),
/// and the text is bounded before it gets here (``LeadReader/maxFieldCharacters``).
enum LeadText {
    static func regex(_ pattern: String, caseInsensitive: Bool = true) -> NSRegularExpression {
        // The patterns are literals of this file: one that does not compile is a bug caught by any test.
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    /// Each match of `regex` in `text`: the whole match and each group (`nil` when a group took no part).
    static func matches(_ regex: NSRegularExpression, in text: String) -> [[String?]] {
        let ns = NSString(string: text)
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            (0..<match.numberOfRanges).map { i in
                let range = match.range(at: i)
                return range.location == NSNotFound ? nil : ns.substring(with: range)
            }
        }
    }

    private static let tag = regex("<[^<>]{0,1000}>")
    private static let entities = [
        "&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&apos;": "'",
    ]

    /// The text without HTML tags and with the common entities read.
    static func plain(_ text: String) -> String {
        guard holds("<", in: text) || holds("&", in: text) else { return text }
        let ns = NSString(string: text)
        var plain = tag.stringByReplacingMatches(
            in: text, range: NSRange(location: 0, length: ns.length), withTemplate: " ")
        for (entity, character) in entities { plain = plain.replacingOccurrences(of: entity, with: character) }
        return plain
    }

    /// The words of `text`, lower case: runs of letters and digits.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// A word without its plural ending: `heaters` → `heater`, `boxes` → `box`, `batteries` → `battery`.
    static func stem(_ word: String) -> String {
        if word.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.count > 4, ["shes", "ches", "xes", "sses", "zes"].contains(where: word.hasSuffix) {
            return String(word.dropLast(2))
        }
        if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") { return String(word.dropLast()) }
        return word
    }

    /// Whether `text` holds `phrase` as whole words, whatever the case and accents.
    static func containsWord(_ phrase: String, in text: String) -> Bool {
        guard !phrase.isEmpty else { return false }
        var searched = text.startIndex..<text.endIndex
        while let found = text.range(of: phrase, options: [.caseInsensitive, .diacriticInsensitive], range: searched) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            let isWordCharacter = { (c: Character?) in c.map { $0.isLetter || $0.isNumber } ?? false }
            if !isWordCharacter(before) && !isWordCharacter(after) { return true }
            searched = text.index(after: found.lowerBound)..<text.endIndex
        }
        return false
    }

    // MARK: Money

    private static let number = #"(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,2}))?"#
    private static let multiplier = #"(?:\s?(k|thousand|grand)\b)?"#
    /// `$2,500`, `CAD 3000`, `€ 1.200`, `$3k`.
    private static let marked = regex(#"(?:(?:us|c|ca|au)?\$|€|£|\b(?:cad|usd|eur|gbp)\b)\s?"# + number + multiplier)
    /// `3000 dollars`, `2,500 CAD`, `3 thousand bucks`.
    private static let named = regex(
        #"\b"# + number + #"(?:\s?(k|thousand|grand))?\s?(?:dollars|bucks|cad|usd|eur|euros?|gbp|pounds)\b"#)
    /// `2.5k`.
    private static let thousands = regex(#"\b"# + number + #"\s?(k)\b"#)
    /// `budget is around 3000`, `budget: 1,200`.
    private static let budgeted = regex(#"\bbudget[^.!?\n\d]{0,30}?"# + number + multiplier)
    /// `a few thousand`, `several hundred`.
    private static let vague = regex(#"\b(?:a few|several|a couple of|couple of|a couple) (?:thousand|hundred)\b"#)
    private static let vagueCues = LeadCues.Cues(["thousand", "hundred"])
    /// The patterns of an amount, in the order they are tried, with their cues (``LeadCues``).
    private static let amounts: [(regex: NSRegularExpression, cues: LeadCues.Cues)] = [
        (marked, LeadCues.Cues(["$", "cad", "usd", "eur", "gbp"])),
        (named, LeadCues.Cues(["dollars", "bucks", "cad", "usd", "eur", "gbp", "pounds"])),
        (thousands, LeadCues.Cues(["k"])), (budgeted, LeadCues.Cues(["budget"])),
    ]

    /// The first amount of money the message names, or the `budget` field. `screened`: only the
    /// patterns whose cues the text holds run (``LeadCues``).
    static func budget(in message: String, field: String, screened: Bool = true) -> LeadReading.Budget? {
        let stated = trimmed(plain(field))
        if !stated.isEmpty {
            let cues = LeadCues(stated)
            let amount = amounts.lazy.filter { !screened || cues.mayMatch($0.cues) }
                .compactMap { amountMatch($0.regex, in: stated) }.first
            let bare = trimmed(
                String(String.UnicodeScalarView(stated.unicodeScalars.filter { $0 != "," })), of: dollarAndSpace)
            let number = bare.allSatisfy { $0.isNumber || $0 == "." } ? Decimal(string: bare) : nil
            return LeadReading.Budget(phrase: String(stated.prefix(200)), amount: amount?.amount ?? number)
        }
        var found: [(at: Int, budget: LeadReading.Budget)] = []
        let ns = NSString(string: message)
        let cues = LeadCues(message)
        for (regex, patternCues) in amounts where !screened || cues.mayMatch(patternCues) {
            guard let match = regex.firstMatch(in: message, range: NSRange(location: 0, length: ns.length)),
                let amount = amount(match, ns)
            else { continue }
            let phrase = trimmed(ns.substring(with: match.range), of: .whitespaces)
            found.append((match.range.location, LeadReading.Budget(phrase: phrase, amount: amount)))
        }
        if let first = found.min(by: { $0.at < $1.at }) { return first.budget }
        if !screened || cues.mayMatch(vagueCues),
            let match = vague.firstMatch(in: message, range: NSRange(location: 0, length: ns.length))
        {
            return LeadReading.Budget(phrase: ns.substring(with: match.range), amount: nil)
        }
        return nil
    }

    private static let dollarAndSpace = CharacterSet(charactersIn: "$ ")

    private static func amountMatch(_ regex: NSRegularExpression, in text: String) -> LeadReading.Budget? {
        let ns = NSString(string: text)
        guard let match = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)),
            let amount = amount(match, ns)
        else { return nil }
        return LeadReading.Budget(phrase: ns.substring(with: match.range), amount: amount)
    }

    /// The amount of a money match (groups: whole part, cents, multiplier); `nil` for zero.
    private static func amount(_ match: NSTextCheckingResult, _ ns: NSString) -> Decimal? {
        func group(_ i: Int) -> String? {
            guard i < match.numberOfRanges, match.range(at: i).location != NSNotFound else { return nil }
            return ns.substring(with: match.range(at: i))
        }
        guard let whole = group(1)?.replacingOccurrences(of: ",", with: "") else { return nil }
        guard var amount = Decimal(string: whole + (group(2).map { "." + $0 } ?? "")) else { return nil }
        if let unit = group(3)?.lowercased(), ["k", "thousand", "grand"].contains(unit) { amount *= 1000 }
        return amount > 0 ? amount : nil
    }

    // MARK: Places

    /// Canadian postal codes (`T2P 1J9`), US ZIP codes after a state or the word (`AB 90210`,
    /// `zip 90210`), UK postcodes (`SW1A 1AA`).
    private static let canadian = regex(#"\b([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])[ -]?(\d[ABCEGHJ-NPRSTV-Z]\d)\b"#)
    private static let zip = regex(
        #"(?:\b(?i:zip|zip code|postal code|post code)[:#]?\s?|\b[A-Z]{2}\s)(\d{5})(?:-\d{4})?\b"#,
        caseInsensitive: false)
    private static let bareZip = regex(#"^\s*(\d{5})(?:-\d{4})?\s*$"#)
    private static let british = regex(#"\b([A-Z]{1,2}\d[A-Z\d]?)\s?(\d[ABD-HJLNP-UW-Z]{2})\b"#, caseInsensitive: false)

    /// The postal codes in `text`, written in capitals with one space (ZIP codes as five digits).
    /// `screened`: none is looked for in ASCII text without a digit (``LeadCues``).
    static func postalCodes(in text: String, screened: Bool = true) -> [String] {
        var codes: [String] = []
        guard !screened || LeadCues(text).mayMatch(.digit) else { return codes }
        for groups in matches(canadian, in: text) {
            codes.append("\(groups[1]!.uppercased()) \(groups[2]!.uppercased())")
        }
        for groups in matches(zip, in: text) + matches(bareZip, in: text) { codes.append(groups[1]!) }
        for groups in matches(british, in: text) where !codes.contains(where: { $0.hasPrefix(groups[1]!) }) {
            codes.append("\(groups[1]!) \(groups[2]!)")
        }
        return codes
    }

    /// A code without spaces or dashes, to compare with the beginnings the blueprint lists.
    static func compact(_ code: String) -> String {
        code.uppercased().filter { !$0.isWhitespace && $0 != "-" }
    }

    /// `in Bridgeland`, `from Red Deer`, `near Cochrane`: capitalised words after a preposition.
    private static let placeAfter = regex(
        #"(?i:\b(?:in|from|near|around|at)\s)\s*(\p{Lu}[\p{Ll}'’-][\p{L}'’-]{0,39}(?:[ \t]\p{Lu}[\p{Ll}'’-][\p{L}'’-]{0,39}){0,2})"#,
        caseInsensitive: false)
    /// Capitalised words that are not places: months, days, greetings, pronouns.
    static let notPlaces: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "spring", "summer", "fall", "autumn", "winter", "christmas", "easter", "the", "a", "an", "my", "our",
        "your", "his", "her", "their", "this", "that", "these", "those", "i", "we", "you", "it", "any", "all",
        "some", "need", "order", "advance", "person", "general", "total", "time", "hi", "hello", "thanks", "thank",
        "please", "regards", "cheers", "best", "asap", "urgent", "emergency", "mr", "mrs", "ms", "dr", "least",
        "first", "last", "next", "once", "home", "work", "office", "can", "could", "would", "is", "are", "call",
        "email", "text", "am", "pm",
    ]

    private static let placeCues = LeadCues.Cues(["in", "from", "near", "around", "at"])

    /// Places the message names after a preposition, best guess first. `screened`: none is looked
    /// for in ASCII text without one of the prepositions (``LeadCues``).
    static func placeNames(in text: String, screened: Bool = true) -> [String] {
        guard !screened || LeadCues(text).mayMatch(placeCues) else { return [] }
        return matches(placeAfter, in: text).compactMap { groups in
            var words = (groups[1] ?? "").split(separator: " ").map(String.init)
            while let last = words.last, notPlaces.contains(last.lowercased()) { words.removeLast() }
            guard let first = words.first, !notPlaces.contains(first.lowercased()) else { return nil }
            return words.joined(separator: " ")
        }
    }
}
