import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The lead reader over the words people put in contact forms: fixed cases, hundreds of generated
/// messages (phrasing, amounts, places and noise in any order), hostile text and spam.
struct LeadReaderTests {
    /// Monday 2 March 2026, 09:00 in Edmonton.
    static let monday = LeadFlowTests.monday

    static let business = Business(
        name: "Bow River Plumbing & Heating", timeZone: "America/Edmonton", currency: "CAD",
        workingHours: WorkingHours(days: ["mon", "tue", "wed", "thu", "fri"], start: "08:00", end: "17:00"),
        services: ["drain cleaning", "water heaters", "furnace repair", "emergency plumbing"],
        serviceArea: ["Calgary", "Airdrie", "Bridgeland", "T2", "T3"])

    static func read(_ fields: [String: String], business: Business = business) -> LeadReading {
        LeadReader(business: business, now: monday).read(fields)
    }

    static func read(message: String, business: Business = business) -> LeadReading {
        read(["name": "Dana", "email": "dana@example.com", "message": message], business: business)
    }

    @Test func theIssuesContactFormLeadHasATimeline() {
        let reading = Self.read([
            "name": "Sam Patel", "email": "sam@example.com", "phone": "403-555-0199",
            "message": "Hi, I need a quote for next week.",
        ])
        #expect(reading.timeline == LeadReading.Timeline(phrase: "next week", days: 7))
        #expect(reading.signals == [LeadSignal.timeline])
        #expect(reading.contactable && reading.saysWhat && reading.spam == nil)
        #expect(reading.budget == nil && reading.place == nil && reading.service == nil)
    }

    @Test func theDemosFurnaceLeadIsReadWhole() {
        let message =
            "Our furnace stopped working last night, can someone come tomorrow morning? We are in Bridgeland."
        let reading = Self.read(message: message)
        #expect(reading.timeline == LeadReading.Timeline(phrase: "tomorrow", days: 1))
        #expect(reading.place == "Bridgeland" && reading.inArea == true)
        #expect(reading.service == "furnace repair")
        #expect(reading.signals == [LeadSignal.area, LeadSignal.timeline, LeadSignal.service])
        // A blueprint without services or area: the place still counts, no service is matched.
        let plain = Business(
            name: "B", timeZone: "America/Edmonton", currency: "CAD", workingHours: Self.business.workingHours)
        let bare = Self.read(message: message, business: plain)
        #expect(bare.place == "Bridgeland" && bare.inArea == true && bare.service == nil)
    }

    @Test(arguments: [
        ("ASAP please", 0), ("it's urgent", 0), ("an emergency!", 0), ("can you come today", 0),
        ("tonight if possible", 0), ("tomorrow morning", 1), ("the day after tomorrow", 2), ("this week", 0),
        ("next week", 7), ("this weekend", 5), ("next weekend", 12), ("in two weeks", 14), ("within 3 days", 0),
        ("in a few days", 3), ("in March", 0), ("in April", 30), ("early May", 60), ("April 15", 44),
        ("April 15th, 2026", 44), ("15 April 2026", 44), ("the 15th of April", 44), ("2026-04-15", 44),
        ("on 4/15", 44), ("by 15/04/2026", 44), ("by Friday", 4), ("Monday", 7), ("next month", 30),
        ("February 10", 345), ("next year", 305), ("in 3 months", 90),
    ])
    func timelines(phrase: String, days: Int) {
        let reading = Self.read(message: "Hi, we need a plumber \(phrase).")
        #expect(reading.timeline?.days == days, "\(phrase): \(String(describing: reading.timeline))")
    }

    @Test(arguments: [
        "no rush", "not urgent at all", "sometime in the summer", "whenever suits", "later this year",
    ])
    func timelinesThatAreNotSoon(phrase: String) {
        let reading = Self.read(message: "We need a new water heater, \(phrase).")
        #expect(
            reading.timeline != nil && reading.timeline?.days == nil,
            "\(phrase): \(String(describing: reading.timeline))")
        #expect(!reading.signals.contains(LeadSignal.timeline))
    }

    @Test(arguments: [
        "May I get a quote?", "the pipe is 1/2 inch", "we have had it since 2019", "call me at 10:30",
        "I march in a band", "I'm free", "Good morning!",
    ])
    func wordsThatAreNoTimeline(message: String) {
        #expect(Self.read(message: message).timeline == nil, "\(message)")
    }

    @Test(arguments: [
        ("$2,500", Decimal(2500)), ("2.5k", 2500), ("around 3000 dollars", 3000), ("budget is about 1,200", 1200),
        ("CAD 4000", 4000), ("$3k-$5k", 3000), ("€ 900", 900), ("3 thousand bucks", 3000), ("$1,250.50", 1250.5),
    ])
    func budgets(phrase: String, amount: Decimal) {
        let reading = Self.read(message: "Our budget: \(phrase) for the job")
        #expect(reading.budget?.amount == amount, "\(phrase): \(String(describing: reading.budget))")
    }

    @Test(arguments: [
        "call 403-555-1234", "postal code T2P 1J9", "since 2026", "unit 12, 3 bathrooms", "at 10:30", "2 of them",
    ])
    func numbersThatAreNoBudget(message: String) {
        #expect(Self.read(message: message).budget == nil, "\(message)")
    }

    @Test func aBudgetFieldCountsAsStated() {
        #expect(Self.read(["email": "a@b.co", "budget": "5000"]).budget?.amount == 5000)
        #expect(Self.read(["email": "a@b.co", "budget": "between 2 and 3 thousand"]).budget != nil)
    }

    @Test(arguments: [
        ("Our postal code is T2P 1J9", "T2P 1J9", true), ("address: t3a0b1", "T3A 0B1", true),
        ("We're at V6B 1A1 in the city", "V6B 1A1", false), ("We are in Edmonton.", "Edmonton", false),
        ("I live in Airdrie", "Airdrie", true), ("Calgary, near downtown", "Calgary", true),
        ("zip 90210", "90210", false), ("in BRIDGELAND!", "Bridgeland", true),
    ])
    func places(message: String, place: String, inArea: Bool) {
        let reading = Self.read(message: message)
        #expect(reading.place == place && reading.inArea == inArea, "\(message): \(String(describing: reading.place))")
    }

    @Test func placeFieldsAreRead() {
        #expect(Self.read(["email": "a@b.co", "postal_code": "T2P 1J9"]).inArea == true)
        #expect(Self.read(["email": "a@b.co", "city": "Red Deer"]).inArea == false)
        #expect(Self.read(["email": "a@b.co", "city": "calgary"]).place == "Calgary")
        #expect(Self.read(message: "I need help at home in the morning").place == nil)
    }

    @Test(arguments: [
        ("the drains are blocked", "drain cleaning"), ("our hot water heater leaks", "water heaters"),
        ("FURNACE is dead", "furnace repair"), ("plumbing emergency", "emergency plumbing"),
    ])
    func services(message: String, service: String) {
        #expect(Self.read(message: message).service == service, "\(message)")
    }

    @Test func aServiceFieldIsMatchedOrKept() {
        #expect(Self.read(["email": "a@b.co", "service": "Drain"]).service == "drain cleaning")
        let plain = Business(
            name: "B", timeZone: "UTC", currency: "CAD", workingHours: Self.business.workingHours)
        #expect(Self.read(["email": "a@b.co", "service": "Roofing"], business: plain).service == "Roofing")
        #expect(Self.read(message: "I need a roof").service == nil)
    }

    // MARK: Generated contact forms

    static let greetings = ["Hi,", "Hello there,", "Good afternoon,", "Hey!", "", "Dear team,", "Bonjour,"]
    static let needs: [(text: String, service: String?)] = [
        ("I need a quote", nil), ("Our drain is blocked", "drain cleaning"),
        ("the water heater is leaking", "water heaters"), ("my furnace makes a noise", "furnace repair"),
        ("could you give us an estimate", nil), ("we want to redo a bathroom", nil),
    ]
    static let timelines: [(text: String, days: Int?)] = [
        ("for next week", 7), ("ASAP", 0), ("tomorrow morning if possible", 1), ("in two weeks", 14),
        ("sometime in the summer", nil), ("in April", 30), ("by Friday", 4), ("no rush", nil), ("on 4/15", 44),
        ("urgently", 0),
    ]
    static let budgets: [(text: String, amount: Decimal)] = [
        ("Budget is around $2,500.", 2500), ("We can spend 2.5k.", 2500), ("Around 3000 dollars.", 3000),
        ("Our budget is 1,200.", 1200), ("Max CAD 4000.", 4000),
    ]
    static let places: [(text: String, place: String, inArea: Bool)] = [
        ("We are in Bridgeland.", "Bridgeland", true), ("I live in Airdrie.", "Airdrie", true),
        ("Postal code T3A 0B1.", "T3A 0B1", true), ("We're in Edmonton.", "Edmonton", false),
        ("Address: V6B 1A1", "V6B 1A1", false),
    ]
    static let noise = [
        "🔥", "🙏🙏", "שלום", "مرحبا", "Thanks!", "Cheers, Dana", "(sent from my phone)", "👩‍👩‍👧", "東京", "…",
        "Best regards", "🇨🇦",
    ]

    /// Hundreds of contact-form messages, each a random combination of a need, a time, an amount,
    /// a place and noise, in random order, sometimes in HTML or capitals: the reader finds each
    /// part that is there, and no more, and never calls one spam.
    @Test func generatedContactFormsAreReadPartByPart() {
        var random = SplitMix(seed: 14)
        for round in 0..<600 {
            let need = random.pick(Self.needs)
            let timeline = random.chance(70) ? random.pick(Self.timelines) : nil
            let budget = random.chance(50) ? random.pick(Self.budgets) : nil
            let place = random.chance(60) ? random.pick(Self.places) : nil
            var parts = [need.text + (timeline.map { " " + $0.text } ?? "") + "."]
            if let budget { parts.append(budget.text) }
            if let place { parts.append(place.text) }
            for _ in 0..<random.below(3) { parts.append(random.pick(Self.noise)) }
            parts.shuffle(using: &random)
            var message = ([random.pick(Self.greetings)] + parts).joined(separator: random.pick([" ", "\n", "  "]))
            if random.chance(15) { message = "<p>" + message.replacingOccurrences(of: "\n", with: "<br>") + "</p>" }
            let uppercased = random.chance(10)
            if uppercased { message = message.uppercased() }
            let fields = [
                "name": random.pick(["Dana Lee", "Zoë", "محمد", "李雷", ""]), "email": "lead\(round)@example.com",
                "phone": random.pick(["", "403-555-0100", "+1 (587) 555-0101"]), "message": message,
            ]
            let reading = Self.read(fields)
            let context = "round \(round): \(message)"
            #expect(reading.spam == nil, "\(context): \(reading.spam ?? "")")
            #expect(reading.contactable && reading.saysWhat, "\(context)")
            if let timeline {
                #expect(reading.timeline?.days == timeline.days, "\(context): \(String(describing: reading.timeline))")
            } else {
                #expect(reading.timeline == nil, "\(context): \(String(describing: reading.timeline))")
            }
            #expect(reading.budget?.amount == budget?.amount, "\(context): \(String(describing: reading.budget))")
            if let place, uppercased, place.place == "Edmonton" {
                // In capitals a place's name cannot be told from other words: not read, so not outside.
                #expect(reading.inArea == nil, "\(context): \(String(describing: reading.place))")
            } else if let place {
                #expect(reading.inArea == place.inArea, "\(context): \(String(describing: reading.place))")
            } else {
                #expect(reading.place == nil, "\(context): \(String(describing: reading.place))")
            }
            #expect(reading.service == need.service, "\(context): \(String(describing: reading.service))")
        }
    }

    // MARK: Hostile text

    @Test func aHugeMessageIsReadOnlyUpToItsBound() {
        let filler = String(repeating: "blah blah 🔥 שלום ", count: 200_000)
        #expect(Self.read(message: "Need it next week. " + filler).timeline?.days == 7)
        // What comes after the bound is not read at all.
        #expect(Self.read(message: filler + " Need it next week.").timeline == nil)
        let many = Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("field\($0)", "x") })
        #expect(LeadReader.bounded(many).count == LeadReader.maxFields)
    }

    @Test func emptyAndOddLeadsNeverTrap() {
        let empty = Self.read([:])
        #expect(!empty.contactable && !empty.saysWhat && empty.spam == "no real content")
        let emoji = Self.read(["name": "🙂", "email": "x@y.co", "phone": "555-0100", "message": "🙏🙏🙏"])
        #expect(emoji.spam == nil && emoji.contactable)
        let rtl = Self.read(message: "\u{202E}שלום, אני צריך שרברב מחר בבוקר\u{202C}")
        #expect(rtl.spam == nil && rtl.saysWhat)
        let controls = Self.read(message: "\u{0}\u{7}\u{1B}[31m next week \u{85}\u{2028}")
        #expect(controls.timeline?.days == 7)
        let html = Self.read(message: "<script>alert(1)</script><b>ASAP</b> &amp; we&#39;re in <i>Bridgeland</i>")
        #expect(html.timeline?.days == 0 && html.place == "Bridgeland")
        #expect(!Self.read(["email": " \n ", "name": "Dana"]).contactable)
    }

    /// Generated hostile text as message and name: the reader returns, and only text with links is
    /// ever spam (a person writing in any script is a person).
    @Test func generatedHostileTextIsNeverSpamWithoutLinks() {
        for seed in 0..<400 {
            var text = HostileText(seed: UInt64(seed))
            let message = (0..<text.int(1...12)).map { _ in text.pick(HostileText.plainWords + HostileText.markupWords)
            }
            .joined(separator: " ")
            let reading = Self.read(["name": "Dana", "email": "dana@example.com", "message": message])
            if !message.contains("http") {
                #expect(reading.spam == nil, "seed \(seed): \(message): \(reading.spam ?? "")")
            }
        }
    }

    // MARK: Spam

    @Test(arguments: [
        ("http://a.ru http://b.ru http://c.ru cheap", "a farm of 3 links"),
        (
            "We offer SEO to get you on the first page of Google: https://seo-kings.example",
            "a pitch ('seo') with a link"
        ),
        ("Buy followers and backlinks, best casino", "a pitch ('backlinks', 'casino')"),
        ("https://cheap-pills.ru", "only a link"),
        ("sdfghjkl qwertyuiop zxcvbnm", "gibberish"),
        ("asdkjfhaskjdfhaskjdfhaksjdfhkasjdhf", "gibberish"),
        (
            "<a href=\"http://x.example\">x</a> <a href=\"http://y.example\">y</a> [url=http://z.example]z[/url]",
            "a farm of 3 links"
        ),
    ])
    func spam(message: String, reason: String) {
        #expect(Self.read(["email": "bot@example.com", "message": message]).spam == reason, "\(message)")
    }

    @Test func aLinkAsTheNameAndNoContentAreSpam() {
        #expect(
            Self.read(["name": "www.cheap-loans.biz", "email": "a@b.co", "message": "hi"]).spam == "a link as the name")
        #expect(Self.read(["email": "a@b.co", "message": "!!! ??? ..."]).spam == "no real content")
    }

    @Test(arguments: [
        "Can you look at my water heater? Photo: https://imgur.com/abc123",
        "Please call, no email: dana@example.com",
        "Rhythm of the drip keeps me up, fix it",
        "strengths",
        "Tsk",
    ])
    func realLeadsAreNotSpam(message: String) {
        #expect(Self.read(["name": "Dana", "email": "dana@example.com", "message": message]).spam == nil, "\(message)")
    }

    @Test func aPitchWordThatIsTheBusinesssTradeIsNotSpam() {
        var agency = Self.business
        agency.services = ["SEO", "lead generation", "web design"]
        let reading = Self.read(message: "We need SEO and lead generation for our shop", business: agency)
        #expect(reading.spam == nil && reading.service == "SEO")
    }

    // MARK: The model's reading

    @Test func aModelsFieldsAreCheckedAgainstTheirSchema() throws {
        let good = try ModelLeadFields.read(
            #"{"timeline": "tomorrow", "timeline_days": 1, "budget": 2500, "place": "Bridgeland", "service": "furnace"}"#
        ).get()
        #expect(
            good
                == ModelLeadFields(
                    timeline: "tomorrow", timelineDays: 1, budget: 2500, place: "Bridgeland", service: "furnace"))
        #expect(try ModelLeadFields.read(#"{"timeline": null}"#).get() == ModelLeadFields())
        for bad in [
            "not json", "[]", #"{"spam": true}"#, #"{"timeline_days": -1}"#, #"{"timeline_days": 1.5}"#,
            #"{"timeline_days": true}"#, #"{"budget": "lots"}"#, #"{"place": ""}"#,
            #"{"service": "\#(String(repeating: "x", count: 201))"}"#,
        ] {
            guard case .failure = ModelLeadFields.read(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
        }
    }

    @Test func aModelsPlaceAndServiceAreMatchedAgainstTheBlueprint() {
        let reader = LeadReader(business: Self.business, now: Self.monday)
        let rules = reader.read(["email": "a@b.co", "message": "hello"])
        let merged = reader.merged(
            rules, ModelLeadFields(timeline: nil, timelineDays: 3, budget: nil, place: "Edmonton", service: "furnace"))
        #expect(merged.timeline?.days == 3 && merged.place == "Edmonton" && merged.inArea == false)
        #expect(merged.service == "furnace repair" && merged.spam == nil)
    }
}
