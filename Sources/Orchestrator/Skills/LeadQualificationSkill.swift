import Blueprint
import Foundation

/// Reads a lead whole — its fields and its message (``LeadReader``; with `settings.model`, a
/// language model's reading put over the rules') — scores it against the rubric in its agent's
/// settings, and sees that every contactable lead is answered: a good fit is handed on
/// (`lead.qualified`: the drafter and the scheduler reply with times and the booking link); a weak
/// fit gets a courteous reply asking the one question that would qualify it (with `weak_fit:
/// wait_for_person`, or when it was asked once already, that reply waits for a person with the
/// recommendation); obvious spam gets nothing and is recorded as spam. Whatever the lead writes is
/// data, never instructions.
struct LeadQualificationSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) async -> SkillOutcome {
        // Everything the lead has sent on this case (a later message adds to the first).
        let p = input.context["intake"] ?? input.payload
        let rubric: [String: SettingValue]
        if case .map(let m) = input.agent.settings["rubric"] { rubric = m } else { rubric = [:] }
        var threshold = 60.0
        if case .number(let n) = rubric["fit_threshold"] { threshold = n }
        var wanted = LeadSignal.all
        if case .list(let listed) = rubric["signals"] { wanted = listed.compactMap(\.string) }
        let reader = LeadReader(business: input.business, now: input.now)
        var reading = reader.read(p)
        var readBy = "rules"
        if let model = tools.model, reading.spam == nil {
            // The model may read the same fields; its answer is used only if it fits the schema.
            let today = Self.day(input.now, reader.calendar)
            let answer = await model.answer(
                system: ModelLeadFields.instructions,
                user: ModelLeadFields.request(p, business: input.business, today: today))
            switch answer.flatMap(ModelLeadFields.read) {
            case .success(let fields):
                reading = reader.merged(reading, fields)
                readBy = "model"
            case .failure(let problem): readBy = "rules (the model's answer was not used: \(problem))"
            }
        }
        let signals = reading.signals.filter(wanted.contains)
        let score = reading.contactable ? min(100, 40 + 20 * signals.count) : 0
        let name = Self.name(p["name"] ?? "")
        var outcome = SkillOutcome()
        outcome.notes = Self.notes(reading, signals: signals, score: score, readBy: readBy)
        let scored = "\(name.isEmpty ? "A lead" : name) scored \(score) (\(Self.evidence(reading, signals)))"
        if let spam = reading.spam {
            outcome.spam = spam
            outcome.notes["fit"] = "spam"
            outcome.notes["summary"] = "spam (\(spam)): nothing sent"
            return outcome
        }
        outcome.actions.append(
            ProposedAction(kind: .crmUpdate, payload: ["score": "\(score)"], reason: "record the lead score"))
        guard reading.contactable else {
            outcome.notes["fit"] = "no_email"
            outcome.notes["summary"] = "\(scored): no email address to reply to"
            return outcome
        }
        if Double(score) >= threshold {
            outcome.notes["fit"] = "good"
            outcome.notes["summary"] = "\(scored): a good fit, handed on for a reply with times"
            outcome.emits.append((type: "lead.qualified", payload: ["score": "\(score)"]))
            return outcome
        }
        let question = Self.question(reading, missing: wanted.filter { !signals.contains($0) }, input.business)
        let askedBefore = input.context[input.agent.id]?["asked"] != nil
        let waits = input.agent.settings["weak_fit"]?.string == "wait_for_person" || askedBefore
        let business = input.business.name
        let greeting = name.isEmpty ? "Hi" : "Hi \(name)"
        outcome.notes["fit"] = "weak"
        outcome.notes["asked"] = question
        outcome.notes["summary"] =
            "\(scored): a weak fit (below \(Int(threshold))), \(waits ? "a reply waits for a person" : "asked"): \(question)"
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: [
                    "to": LeadText.trimmed(p["email"]!),
                    "subject": "Your request to \(business)",
                    "body":
                        "\(greeting), thanks for reaching out to \(business). We would be glad to help.\n\n\(question) Just reply to this email and we will take it from there.\n\n\(business)",
                ],
                reason:
                    "a weak fit (score \(score), below \(Int(threshold))): recommended reply, asking \"\(question)\"",
                waitsForPerson: waits))
        return outcome
    }

    /// The one question whose answer would qualify the lead: what it needs when it said nothing,
    /// else the first missing signal in ``LeadSignal/all``'s order.
    static func question(_ reading: LeadReading, missing: [String], _ business: Business) -> String {
        let services = business.services ?? []
        if !reading.saysWhat { return "What can we help you with?" }
        for signal in LeadSignal.all where missing.contains(signal) {
            switch signal {
            case LeadSignal.timeline: return "When would you like the work done?"
            case LeadSignal.area:
                let area = (business.serviceArea ?? []).filter { !$0.contains(where: \.isNumber) }.prefix(4)
                if reading.inArea == false, !area.isEmpty {
                    return "Where is the work? We work in \(area.joined(separator: ", "))."
                }
                return "Where is the work? A postal code or neighbourhood is enough."
            case LeadSignal.service:
                if services.isEmpty { return "What can we help you with?" }
                return "Which of our services do you need (\(services.prefix(5).joined(separator: ", ")))?"
            case LeadSignal.budget: return "Do you have a budget in mind?"
            default: continue
            }
        }
        return "When would be a good time to talk?"
    }

    /// The name to greet: its first line, without surrounding spaces, at most 60 characters.
    static func name(_ raw: String) -> String {
        let line = raw.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return String(LeadText.trimmed(line, of: .whitespaces).prefix(60))
    }

    /// The reading as the case context keeps it (and the timeline shows it).
    static func notes(_ reading: LeadReading, signals: [String], score: Int, readBy: String) -> [String: String] {
        var notes = [
            "score": "\(score)", "signals": signals.joined(separator: ","),
            "confidence": signals.count >= 2 ? "high" : "low", "read_by": readBy,
        ]
        if let timeline = reading.timeline {
            notes["timeline"] = String(timeline.phrase.prefix(200))
            if let days = timeline.days { notes["timeline_days"] = "\(days)" }
        }
        if let budget = reading.budget {
            notes["budget"] = String(budget.phrase.prefix(200))
            if let amount = budget.amount { notes["budget_amount"] = "\(amount)" }
        }
        if let place = reading.place { notes["place"] = String(place.prefix(200)) }
        if let inArea = reading.inArea { notes["in_area"] = inArea ? "yes" : "no" }
        if let service = reading.service { notes["service"] = String(service.prefix(200)) }
        return notes
    }

    /// What was found, in a few words: "timeline_within_month: tomorrow morning; in_service_area: Bridgeland".
    static func evidence(_ reading: LeadReading, _ signals: [String]) -> String {
        guard !signals.isEmpty else { return "no signals" }
        return signals.map { signal in
            let found: String? =
                switch signal {
                case LeadSignal.timeline: reading.timeline?.phrase
                case LeadSignal.area: reading.place
                case LeadSignal.service: reading.service
                case LeadSignal.budget: reading.budget?.phrase
                default: nil
                }
            return found.map { "\(signal): \(String($0.prefix(60)))" } ?? signal
        }.joined(separator: "; ")
    }

    /// `2026-03-02`, the business's today.
    static func day(_ now: Date, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
