import Blueprint
import Foundation

/// Reads a lead by rules: the structured fields a form may send (`timeline`, `budget`, `city`,
/// `postal_code`, `service` …) and the free text of its message ("next week", "around 3000
/// dollars", "We are in Bridgeland", "our furnace stopped"), matched against the business's own
/// services and service area from the blueprint. Deterministic and bounded: each field is read up
/// to ``maxFieldCharacters``, and at most ``maxFields`` fields. Whatever the lead wrote is data,
/// never instructions.
struct LeadReader: Sendable {
    /// The most of one field read; a longer message is cut (a pasted book, an attack on the reader).
    static let maxFieldCharacters = 8_000
    /// The most fields read of one lead.
    static let maxFields = 64
    /// The fields that hold the lead's own words.
    static let messageFields = [
        "message", "comments", "comment", "details", "description", "body", "subject", "inquiry", "enquiry",
        "question", "request", "notes",
    ]
    /// The fields that name a place.
    static let placeFields = [
        "postal_code", "postcode", "zip", "zip_code", "city", "town", "neighbourhood", "neighborhood", "area",
        "location", "address",
    ]

    let services: [String]
    /// Place names of the service area, and beginnings of postal codes (upper case, no spaces).
    let areaNames: [String]
    let areaPrefixes: [String]
    let calendar: Calendar
    let now: Date
    /// Whether each pattern runs only on text that holds one of its cues (``LeadCues``): the same
    /// reading, faster; off only to check that.
    var screens = true

    init(business: Business, now: Date) {
        services = Array((business.services ?? []).prefix(500))
        var names: [String] = []
        var prefixes: [String] = []
        for entry in (business.serviceArea ?? []).prefix(2000) {
            let trimmed = LeadText.trimmed(entry)
            guard !trimmed.isEmpty else { continue }
            if trimmed.contains(where: \.isNumber) {
                prefixes.append(trimmed.uppercased().filter { !$0.isWhitespace && $0 != "-" })
            } else {
                names.append(trimmed)
            }
        }
        areaNames = names
        areaPrefixes = prefixes
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: business.timeZone) ?? .gmt
        self.calendar = calendar
        self.now = now
    }

    /// The lead's fields, bounded: at most ``maxFields`` (by name), each cut to ``maxFieldCharacters``.
    static func bounded(_ fields: [String: String]) -> [String: String] {
        var kept: [String: String] = [:]
        for key in fields.keys.sorted().prefix(maxFields) {
            let value = fields[key]!
            // utf8.count is O(1) for native strings: only a long value is counted in characters.
            kept[key.lowercased()] =
                value.utf8.count > maxFieldCharacters ? String(value.prefix(maxFieldCharacters)) : value
        }
        return kept
    }

    /// Reads `fields` (the lead as the form sent it).
    func read(_ raw: [String: String]) -> LeadReading {
        let fields = Self.bounded(raw)
        let original = Self.messageFields.compactMap { fields[$0] }.filter { !$0.isEmpty }.joined(separator: "\n")
        let message = LeadText.plain(original)
        let email = LeadText.trimmed(fields["email"] ?? "")
        var reading = LeadReading(
            timeline: nil, budget: nil, place: nil, inArea: nil, service: nil, spam: nil,
            contactable: !email.isEmpty, saysWhat: false)
        reading.timeline = timeline(message, field: fields["timeline"] ?? fields["when"] ?? "")
        reading.budget = LeadText.budget(in: message, field: fields["budget"] ?? "", screened: screens)
        (reading.place, reading.inArea) = place(message, fields)
        reading.service = service(message, field: fields["service"] ?? fields["services"] ?? "")
        let described = Self.informative(fields)
        reading.saysWhat =
            LeadText.words(message).filter { !Self.greetings.contains($0) }.count >= 2 || !described.isEmpty
        reading.spam = LeadSpam.reason(
            original: original, message: message, name: fields["name"] ?? "", informative: described,
            found: reading.timeline != nil || reading.budget != nil || reading.place != nil || reading.service != nil,
            services: services, screened: screens)
        return reading
    }

    /// Words that greet and say nothing of what the lead wants.
    static let greetings: Set<String> = [
        "hi", "hello", "hey", "there", "dear", "good", "morning", "afternoon", "evening", "thanks", "thank", "you",
        "regards", "cheers", "sir", "madam", "team", "bonjour", "hola",
    ]

    /// The fields that say nothing of the work: the message (read on its own), the name, the
    /// address, where the form came from.
    static let quietFields = Set(messageFields + ["name", "email", "first_name", "last_name", "source", "form"])

    /// Fields beyond the message, the name and the addresses that say something.
    static func informative(_ fields: [String: String]) -> [String] {
        fields.filter { !quietFields.contains($0.key) && $0.value.contains(where: { $0.isLetter || $0.isNumber }) }
            .keys.sorted()
    }

    // MARK: Timeline

    /// When the lead wants the work: the soonest time the message or the `timeline` field names.
    func timeline(_ message: String, field: String) -> LeadReading.Timeline? {
        let fieldText = LeadText.plain(field)
        let found =
            LeadTimeline.find(in: fieldText, self, screened: screens)
            + LeadTimeline.find(in: message, self, screened: screens)
        if let soonest = found.filter({ $0.days != nil }).min(by: { $0.days! < $1.days! }) { return soonest }
        if let any = found.first { return any }
        // A form's own words for a timeline ("within_month", "1 week"), as the rubric read them before.
        let lowered = fieldText.lowercased()
        guard lowered.contains(where: \.isLetter) else { return nil }
        for (word, days) in [("day", 1), ("week", 7), ("month", 30)] where lowered.contains(word) {
            return LeadReading.Timeline(phrase: fieldText, days: days)
        }
        return LeadReading.Timeline(phrase: fieldText, days: nil)
    }

    /// Whole days from today to `date`'s day, in the business's time zone.
    func days(until date: Date) -> Int {
        calendar.dateComponents([.day], from: calendar.startOfDay(for: now), to: calendar.startOfDay(for: date)).day
            ?? 0
    }

    // MARK: Place

    /// The place the lead named, and whether it is in the service area.
    func place(_ message: String, _ fields: [String: String]) -> (String?, Bool?) {
        let fieldPlaces = Self.placeFields.compactMap { key -> String? in
            guard let value = fields[key].map(LeadText.plain) else { return nil }
            let trimmed = LeadText.trimmed(value)
            return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
        }
        let text = (fieldPlaces + [message]).joined(separator: "\n")
        // A place of the area named anywhere: the lead is in it.
        for name in areaNames where LeadText.containsWord(name, in: text) { return (name, true) }
        let codes = LeadText.postalCodes(in: text, screened: screens)
        if !areaPrefixes.isEmpty, let code = codes.first {
            let inside = codes.first { code in areaPrefixes.contains { LeadText.compact(code).hasPrefix($0) } }
            return (inside ?? code, inside != nil)
        }
        let named = fieldPlaces.first ?? codes.first ?? LeadText.placeNames(in: message, screened: screens).first
        guard let named else { return (nil, nil) }
        if areaNames.isEmpty && areaPrefixes.isEmpty { return (named, true) }
        // A postal code the area's names cannot place: unknown, not outside.
        if codes.first == named && areaPrefixes.isEmpty { return (named, nil) }
        return (named, false)
    }

    // MARK: Service

    /// Words of a service's name that say nothing of which service it is.
    static let genericWords: Set<String> = [
        "repair", "service", "installation", "install", "maintenance", "replacement", "cleaning", "inspection",
        "work", "general", "new", "and", "or", "the", "of", "for", "a", "an", "residential", "commercial", "job",
    ]

    /// The business's service the lead asks for: a service whose telling word (its last word that is
    /// not generic: `heater` of "water heaters", `drain` of "drain cleaning") the lead wrote.
    func service(_ message: String, field: String) -> String? {
        let fieldText = LeadText.trimmed(LeadText.plain(field))
        guard !services.isEmpty else { return fieldText.isEmpty ? nil : String(fieldText.prefix(200)) }
        let words = Set(LeadText.words(message + "\n" + fieldText).map(LeadText.stem))
        for service in services {
            let own = LeadText.words(service).map(LeadText.stem)
            guard let telling = own.last(where: { !Self.genericWords.contains($0) }) ?? own.last else { continue }
            if words.contains(telling) { return service }
        }
        return nil
    }
}
