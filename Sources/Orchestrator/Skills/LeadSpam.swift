import Foundation

/// Obvious spam, by rules that a real lead does not meet: a farm of links, a sales pitch with a
/// link, a link as the name, nothing real at all, or gibberish. Only the obvious: anything that
/// may be a person gets a reply (a weak fit gets a question), so these rules err towards a lead.
enum LeadSpam {
    /// A link, whole: a URL, a `www.` address, BBCode `[url…]`, an HTML anchor, a bare domain.
    private static let link = LeadText.regex(
        #"\bhttps?://[^\s<>"\]]*|\bwww\.[^\s<>"\]]*|\[url[^\]]*\]?|<a\s[^>]*>?|(?<![@\w./-])[a-z0-9-]{2,63}\.(?:com|net|org|ru|cn|xyz|top|info|biz|io|co)\b(?:/[^\s<>"]*)?"#
    )
    private static let linkCues = LeadCues.Cues(["http", "[url", "<a", "."])
    /// Words of the pitches that fill contact forms; one with a link, or two of them, is spam.
    static let pitches = [
        "seo", "backlinks", "casino", "viagra", "cialis", "crypto", "bitcoin", "forex", "payday loan", "guest post",
        "rank your website", "first page of google", "increase your traffic", "website traffic", "web design services",
        "lead generation", "buy followers", "porn", "escort", "dating site", "make money", "work from home",
        "binary options", "weight loss", "click here", "unsubscribe", "limited time offer",
    ]

    /// Why the lead is obvious spam, or `nil`.
    /// - Parameters:
    ///   - original: the message fields as sent (HTML and all); `message` the same as plain text.
    ///   - informative: the fields beyond the message, name and addresses that hold something.
    ///   - found: whether the reader found a time, an amount, a place or a service in it.
    ///   - services: the business's services: a pitch word among them is the business's trade, not spam.
    ///   - screened: the link pattern runs only on text that holds one of its cues (``LeadCues``).
    static func reason(
        original: String, message: String, name: String, informative: [String], found: Bool, services: [String],
        screened: Bool = true
    ) -> String? {
        func linksIn(_ text: String) -> Int {
            guard !screened || LeadCues(text).mayMatch(linkCues) else { return 0 }
            return LeadText.matches(link, in: text).count
        }
        let links = linksIn(original)
        if linksIn(name) > 0 { return "a link as the name" }
        if links >= 3 { return "a farm of \(links) links" }
        let lowered = message.lowercased()
        let trade = services.joined(separator: "\n")
        let pitched = pitches.filter { LeadText.containsWord($0, in: lowered) && !LeadText.containsWord($0, in: trade) }
        if links > 0, let pitch = pitched.first { return "a pitch ('\(pitch)') with a link" }
        if pitched.count >= 2 { return "a pitch ('\(pitched.prefix(2).joined(separator: "', '"))')" }
        let unlinked =
            screened && !LeadCues(message).mayMatch(linkCues)
            ? message
            : link.stringByReplacingMatches(
                in: message, range: NSRange(location: 0, length: NSString(string: message).length), withTemplate: " ")
        let words = LeadText.words(unlinked)
        if links > 0 && words.filter({ $0.contains(where: \.isLetter) }).count < 3 && !found {
            return "only a link"
        }
        let hasName = name.contains(where: \.isLetter)
        if !message.contains(where: { $0.isLetter || $0.isNumber }) && !hasName && informative.isEmpty {
            return "no real content"
        }
        if !found, informative.isEmpty, let gibberish = gibberish(words) { return gibberish }
        return nil
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]

    /// Whether words of Latin letters read as keyboard mashing: most of them unpronounceable (no
    /// vowel, or six consonants in a row), or one long run of letters. Words of other scripts are
    /// never judged.
    static func gibberish(_ words: [String]) -> String? {
        let latin = words.filter { word in word.allSatisfy { $0.isASCII && $0.isLetter } }
        guard !latin.isEmpty, latin.count * 2 >= words.count else { return nil }
        func unpronounceable(_ word: String) -> Bool {
            guard word.count >= 5 else { return false }
            if !word.contains(where: vowels.contains) { return true }
            var run = 0
            for c in word {
                run = vowels.contains(c) ? 0 : run + 1
                if run >= 6 { return true }
            }
            return false
        }
        let letters = latin.reduce(0) { $0 + $1.count }
        if latin.count == 1, let word = latin.first, word.count >= 25 { return "gibberish" }
        let bad = latin.filter(unpronounceable).count
        if letters >= 8, bad * 10 >= latin.count * 6, latin.count >= 1, !(latin.count == 1 && letters < 12) {
            return "gibberish"
        }
        return nil
    }
}
