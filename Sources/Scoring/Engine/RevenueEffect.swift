/// The revenue effect of answering leads within the target time: a relative uplift in close rate
/// chosen by the band today's response time falls in, bounded by a maximum close rate, taken at
/// gross margin. Never linear in the response time and never unbounded.
struct RevenueEffect: Sendable {
    let parameters: LeadResponse
    let workingWeeks: Double

    /// The band for today's first-response time.
    func band(forMinutes minutes: Double) -> ResponseBand {
        parameters.bands.first { ($0.upToMinutes ?? .infinity) >= minutes } ?? parameters.bands.last!
    }

    /// Close rate after the uplift, never above the maximum (nor below today's).
    func newCloseRate(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        let uplift = band(forMinutes: leads.responseMinutes).uplift * upliftFactor
        return max(leads.closeRate, min(parameters.maxCloseRate, leads.closeRate * (1 + uplift)))
    }

    /// Extra revenue a year from the extra deals.
    func addedRevenue(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        let extraDealsPerWeek = leads.perWeek * (newCloseRate(leads, upliftFactor: upliftFactor) - leads.closeRate)
        return extraDealsPerWeek * workingWeeks * leads.dealValue
    }

    /// The benefit: added revenue at gross margin.
    func benefit(_ leads: LeadFigures, upliftFactor: Double = 1) -> Double {
        addedRevenue(leads, upliftFactor: upliftFactor) * parameters.grossMargin.value
    }
}
