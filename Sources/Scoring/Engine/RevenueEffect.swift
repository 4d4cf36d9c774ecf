/// The revenue effect of answering leads within the target time: a relative uplift in close rate
/// chosen by the band today's response time falls in, bounded by a maximum close rate, taken at
/// gross margin, and held at the business's own scale (``ScaleCap``). Never linear in the
/// response time and never unbounded, whatever the lead answers say.
struct RevenueEffect: Sendable {
    let parameters: LeadResponse
    let workingWeeks: Double
    /// People in the business, the measure of its scale.
    let teamSize: Int

    /// The benefit with what bounded it.
    struct Outcome: Sendable, Equatable {
        /// The benefit counted: the margin on added sales, never above ``cap``.
        let value: Double
        /// The margin the lead answers alone would give.
        let uncapped: Double
        /// The most a business of this size may gain: `max_share` of ``impliedRevenue``.
        let cap: Double
        /// Sales a year a business of this size plausibly makes (team size × revenue per person).
        let impliedRevenue: Double

        /// Whether the cap cut the figure by at least a whole unit of money, so that a sentence
        /// showing both in whole units never reads "$125,000, more than $125,000".
        var isCapped: Bool { uncapped.rounded() > cap.rounded() }
    }

    /// The band for today's first-response time.
    func band(forMinutes minutes: Double) -> ResponseBand {
        parameters.bands.first { ($0.upToMinutes ?? .infinity) >= minutes } ?? parameters.bands.last!
    }

    /// Close rate after the uplift, never above the maximum (nor below today's).
    func newCloseRate(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        let uplift = band(forMinutes: leads.responseMinutes).uplift * upliftFactor
        return max(leads.closeRate, min(parameters.maxCloseRate, leads.closeRate * (1 + uplift)))
    }

    /// Extra revenue a year from the extra deals, as the lead answers give it (before the cap).
    func addedRevenue(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        let extraDealsPerWeek = leads.perWeek * (newCloseRate(leads, upliftFactor: upliftFactor) - leads.closeRate)
        return extraDealsPerWeek * workingWeeks * leads.dealValue
    }

    /// Sales a year a business of this size plausibly makes; a team of 0 counts as one person.
    var impliedRevenue: Double {
        Double(max(1, teamSize)) * parameters.scaleCap.revenuePerPerson
    }

    /// The most the effect may add as margin a year.
    var cap: Double {
        impliedRevenue * parameters.scaleCap.maxShare
    }

    /// The benefit and what bounded it.
    func outcome(_ leads: LeadFigures, upliftFactor: Double = 1) -> Outcome {
        let raw = addedRevenue(leads, upliftFactor: upliftFactor) * parameters.grossMargin.value
        // Answers the questionnaire never gives (NaN, negative) count as nothing; an overflow is capped.
        let uncapped = raw.isNaN ? 0 : max(0, raw)
        return Outcome(value: min(uncapped, cap), uncapped: uncapped, cap: cap, impliedRevenue: impliedRevenue)
    }

    /// The benefit: added revenue at gross margin, held at the scale cap.
    func benefit(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        outcome(leads, upliftFactor: upliftFactor).value
    }
}
