import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The lead reader's screen (``LeadCues``): a pattern skipped because the text lacks its cues would
/// have found nothing, so a screened reading is the reading of every pattern, on generated leads
/// made of every phrase the reader knows, in any case, with characters ICU folds onto ASCII.
struct LeadCuesTests {
    @Test func aCueIsFoundWhateverItsCaseAndOnlyInASCIIText() {
        let asap = LeadCues.Cues(["asap"])
        #expect(LeadCues("Need it ASAP!").mayMatch(asap))
        #expect(LeadCues("a.s.a.p. please").mayMatch(LeadCues.Cues(["a.s.a.p"])))
        #expect(!LeadCues("as soon as we can").mayMatch(asap))
        #expect(!LeadCues("").mayMatch(asap) && !LeadCues("asa").mayMatch(asap))
        #expect(!LeadCues("Calgary").mayMatch(.digit) && LeadCues("T2P 1J9").mayMatch(.digit))
        // Not ASCII: every pattern runs (ICU folds the Kelvin sign onto k, ſ onto s, and reads ٣ as a digit).
        #expect(LeadCues("2.5\u{212A}").mayMatch(LeadCues.Cues(["k"])))
        #expect(LeadCues("ASAP ſoon").mayMatch(LeadCues.Cues(["never"])))
        #expect(LeadCues("٣٠٠٠").mayMatch(.digit))
    }

    /// The screen's byte search finds a word exactly where a substring search does: 2,000 generated
    /// texts and words over a small alphabet (so that near misses and overlaps are common).
    @Test func theByteSearchFindsWhatASubstringSearchFinds() {
        var random = SplitMix(seed: 5)
        for _ in 0..<2_000 {
            let text = String((0..<random.below(12)).map { _ in random.pick(Array("aab ")) })
            let word = String((0..<random.below(4)).map { _ in random.pick(Array("ab ")) })
            #expect(
                LeadCues.contains(Array(text.utf8), Array(word.utf8)) == (word.isEmpty || text.contains(word)),
                "'\(word)' in '\(text)'")
        }
    }

    /// Phrases the reader knows and near misses, to be put together at random.
    static let phrases: [String] =
        LeadReaderTests.timelines.map(\.text) + LeadReaderTests.budgets.map(\.text) + LeadReaderTests.places.map(\.text)
        + LeadReaderTests.needs.map(\.text) + LeadReaderTests.noise + [
            "ASAP please", "it's urgent", "not urgent", "an emergency!", "not an emergency", "can you come today",
            "tonight", "this morning", "right away", "a.s.a.p", "the day after tomorrow", "tomorrow", "this week",
            "end of the month", "next week", "next weekend", "this weekend", "in two weeks", "within 3 days",
            "over the next 2-3 weeks", "in a few days", "a couple of days", "in March", "in April", "early May",
            "mid-June", "April 15", "Sept. 3rd, 2026", "15 April 2026", "the 15th of April", "2026-04-15",
            "on 4/15", "by 15/04/2026", "3/4/2027", "by Friday", "Mondays", "next month", "next year",
            "in 3 months", "no rush", "no hurry", "later this year", "whenever", "eventually", "next spring",
            "$2,500", "2.5k", "3k", "around 3000 dollars", "budget is about 1,200", "CAD 4000", "usd 300",
            "$3k-$5k", "€ 900", "£700", "3 thousand bucks", "a few thousand", "several hundred", "500 pounds",
            "T2P 1J9", "t3a0b1", "V6B 1A1", "zip 90210", "AB 90210", "SW1A 1AA", "90210", "in Bridgeland",
            "from Red Deer", "near Cochrane", "around Okotoks", "at Home Depot", "Calgary", "Airdrie",
            "http://a.ru", "www.example.com", "[url=x]", "<a href=x>", "seo-kings.com", "click here",
            "1/2 inch", "403-555-1234", "10:30", "since 2019", "May I", "I march", "furnace", "drain",
            // Characters ICU folds onto ASCII or reads as digits, and other scripts.
            "2.5\u{212A}", "ſoon", "Straße", "٣٠٠٠ dollars", "Ｍａｒｃｈ", "é", "東京", "🔥",
        ]

    static func text(_ random: inout SplitMix) -> String {
        var parts = (0..<(1 + random.below(4))).map { _ in random.pick(phrases) }
        if random.chance(30) { parts.shuffle(using: &random) }
        var text = parts.joined(separator: random.pick([" ", ", ", ". ", "\n"]))
        switch random.below(6) {
        case 0: text = text.uppercased()
        case 1: text = text.lowercased()
        case 2: text = "<p>" + text + "</p>"
        default: break
        }
        return text
    }

    @Test func aScreenedReadingIsTheReadingOfEveryPattern() {
        var random = SplitMix(seed: 12)
        var screened = LeadReader(business: LeadReaderTests.business, now: LeadReaderTests.monday)
        var everyPattern = screened
        everyPattern.screens = false
        screened.screens = true
        let fieldNames = ["message", "timeline", "when", "budget", "city", "postal_code", "name", "service", "notes"]
        var found = (timelines: 0, budgets: 0, places: 0, spam: 0)
        for round in 0..<800 {
            var fields = ["email": "lead\(round)@example.com"]
            for _ in 0..<(1 + random.below(4)) { fields[random.pick(fieldNames)] = Self.text(&random) }
            let reading = screened.read(fields)
            #expect(reading == everyPattern.read(fields), "round \(round): \(fields)")
            found.timelines += reading.timeline == nil ? 0 : 1
            found.budgets += reading.budget == nil ? 0 : 1
            found.places += reading.place == nil ? 0 : 1
            found.spam += reading.spam == nil ? 0 : 1
            // Each pattern's matches whole, not only the soonest time the reading keeps.
            let text = fields.values.joined(separator: "\n")
            let times = LeadTimeline.find(in: text, screened, screened: true)
            #expect(times == LeadTimeline.find(in: text, screened, screened: false), "round \(round): \(text)")
            #expect(
                LeadText.postalCodes(in: text, screened: true) == LeadText.postalCodes(in: text, screened: false),
                "round \(round): \(text)")
            #expect(
                LeadText.placeNames(in: text, screened: true) == LeadText.placeNames(in: text, screened: false),
                "round \(round): \(text)")
        }
        // The generated leads say something: times, amounts, places and spam are all among them.
        #expect(found.timelines > 200 && found.budgets > 100 && found.places > 100 && found.spam > 10, "\(found)")
    }
}
