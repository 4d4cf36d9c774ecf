import Foundation
import Scoring

/// The report's four pictures, drawn as inline SVG from a result. Greyscale-safe: series differ by
/// shade and by outline, and every bar and point carries its value as text.
enum Charts {
    static let ink = "#222222"
    static let grid = "#d0d0d0"
    static let light = "#b8b8b8"

    static func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

    /// Hours a week by workflow, now against after automation.
    static func hours(_ r: AssessmentResult, accent: String) -> String {
        let rows = r.opportunities
        let left = 220.0, right = 60.0, top = 40.0, rowHeight = 34.0
        let width = 640.0
        let height = top + Double(max(1, rows.count)) * rowHeight + 44
        var svg = SVG(width: width, height: height)
        let maxHours = rows.map { double($0.hoursPerWeek) }.max() ?? 1
        let axis = Axis(from: 0, to: max(1, maxHours))
        let plot = width - left - right
        func x(_ h: Double) -> Double { left + plot * (h - axis.low) / (axis.high - axis.low) }
        for tick in axis.ticks {
            svg.line(x1: x(tick), y1: top - 6, x2: x(tick), y2: height - 38, stroke: grid)
            svg.text(SVG.n(tick), x: x(tick), y: height - 24, anchor: .middle, size: 10)
        }
        svg.text("Hours per week", x: left + plot / 2, y: height - 8, anchor: .middle, size: 11, bold: true)
        svg.rect(x: left, y: 10, width: 12, height: 10, fill: light)
        svg.text("Now", x: left + 16, y: 19, size: 10)
        svg.rect(x: left + 60, y: 10, width: 12, height: 10, fill: accent, stroke: ink)
        svg.text("After automation", x: left + 76, y: 19, size: 10)
        for (i, o) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            let now = double(o.hoursPerWeek)
            let after = max(0, now - double(o.hoursSavedPerWeek.value))
            svg.text(o.label, x: left - 8, y: y + 16, anchor: .end, size: 11)
            svg.rect(x: left, y: y + 2, width: x(now) - left, height: 12, fill: light)
            svg.text("\(SVG.n(now)) h", x: x(now) + 4, y: y + 12, size: 10)
            svg.rect(x: left, y: y + 15, width: x(after) - left, height: 12, fill: accent, stroke: ink)
            svg.text("\(SVG.n(after)) h", x: x(after) + 4, y: y + 25, size: 10)
        }
        let total = rows.reduce(0.0) { $0 + double($1.hoursPerWeek) }
        let saved = rows.reduce(0.0) { $0 + double($1.hoursSavedPerWeek.value) }
        let description =
            "Hours per week by workflow, now and after automation. "
            + rows.map {
                "\($0.label): \(SVG.n(double($0.hoursPerWeek))) h now, \(SVG.n(max(0, double($0.hoursPerWeek) - double($0.hoursSavedPerWeek.value)))) h after"
            }.joined(separator: "; ")
            + ". In all, \(SVG.n(total)) h a week now and \(SVG.n(total - saved)) h after."
        return svg.render(
            id: "chart-hours", title: "Hours per week by workflow, now and after", description: description)
    }

    /// Cumulative cash flow over the horizon, with the payback point marked.
    static func cashFlow(_ r: AssessmentResult, accent: String) -> String {
        let points = r.roi.cumulativeCashFlow.map(double)
        let currency = r.business.currency
        let style = MoneyStyle(currency: currency, region: r.business.region)
        let left = 80.0, right = 24.0, top = 24.0, bottom = 48.0
        let width = 640.0, height = 280.0
        var svg = SVG(width: width, height: height)
        let axis = Axis(from: points.min() ?? 0, to: points.max() ?? 1)
        let months = Double(max(1, points.count - 1))
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ m: Double) -> Double { left + plotW * m / months }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - axis.low) / (axis.high - axis.low)) }
        for tick in axis.ticks {
            svg.line(
                x1: left, y1: y(tick), x2: width - right, y2: y(tick), stroke: tick == 0 ? ink : grid,
                width: tick == 0 ? 1.5 : 1)
            svg.text(MoneyFormat.money(tick, style), x: left - 6, y: y(tick) + 4, anchor: .end, size: 10)
        }
        for m in stride(from: 0, through: Int(months), by: 6) {
            svg.line(x1: x(Double(m)), y1: top + plotH, x2: x(Double(m)), y2: top + plotH + 4, stroke: ink)
            svg.text("\(m)", x: x(Double(m)), y: top + plotH + 16, anchor: .middle, size: 10)
        }
        svg.text("Months from the start", x: left + plotW / 2, y: height - 10, anchor: .middle, size: 11, bold: true)
        svg.text("Cumulative net cash flow (\(currency))", x: left, y: 14, size: 11, bold: true)
        svg.polyline(points.enumerated().map { (x(Double($0.offset)), y($0.element)) }, stroke: accent, width: 2.5)
        var description =
            "Cumulative net cash flow over \(Int(months)) months: \(MoneyFormat.money(points.first ?? 0, style)) at the start (the build), \(MoneyFormat.money(points.last ?? 0, style)) at month \(Int(months))."
        if let payback = r.roi.paybackMonths.map({ double($0.value) }) {
            svg.line(x1: x(payback), y1: top, x2: x(payback), y2: top + plotH, stroke: ink, dash: true)
            svg.circle(x: x(payback), y: y(0), r: 5, fill: "#ffffff", stroke: ink)
            svg.text("Payback: month \(SVG.n(payback))", x: x(payback) + 8, y: y(0) - 8, size: 11, bold: true)
            description += " It turns positive, paying back the investment, at month \(SVG.n(payback))."
        } else {
            description += " It does not turn positive within \(Int(months)) months."
        }
        return svg.render(
            id: "chart-cash", title: "Cumulative cash flow over \(Int(months)) months", description: description)
    }

    /// The implementation plan as a Gantt bar chart, in weeks.
    static func timeline(_ r: AssessmentResult, accent: String) -> String {
        let phases = r.timeline.phases
        let left = 230.0, right = 30.0, top = 30.0, rowHeight = 24.0
        let width = 640.0
        let height = top + Double(max(1, phases.count)) * rowHeight + 44
        var svg = SVG(width: width, height: height)
        let total = max(1, double(r.timeline.totalWeeks))
        let axis = Axis(from: 0, to: total, roughCount: 6)
        let plot = width - left - right
        func x(_ w: Double) -> Double { left + plot * w / axis.high }
        for tick in axis.ticks {
            svg.line(x1: x(tick), y1: top - 4, x2: x(tick), y2: height - 38, stroke: grid)
            svg.text(SVG.n(tick), x: x(tick), y: height - 24, anchor: .middle, size: 10)
        }
        svg.text("Weeks from the start", x: left + plot / 2, y: height - 8, anchor: .middle, size: 11, bold: true)
        let goLive = double(r.timeline.goLiveWeek)
        svg.line(x1: x(goLive), y1: top - 10, x2: x(goLive), y2: height - 38, stroke: ink, dash: true)
        svg.text("Go-live, week \(SVG.n(goLive))", x: x(goLive) + 4, y: top - 12, size: 10, bold: true)
        for (i, phase) in phases.enumerated() {
            let y = top + Double(i) * rowHeight
            let start = double(phase.startWeek), weeks = double(phase.weeks)
            svg.text(phase.name, x: left - 8, y: y + 15, anchor: .end, size: 11)
            let building = phase.name.hasPrefix("Build")
            svg.rect(
                x: x(start), y: y + 4, width: x(start + weeks) - x(start), height: 14, fill: building ? accent : light,
                stroke: ink)
            svg.text("\(SVG.n(weeks)) wk", x: x(start + weeks) + 4, y: y + 15, size: 10)
        }
        let description =
            "Implementation timeline in weeks: "
            + phases.map { "\($0.name) from week \(SVG.n(double($0.startWeek))) for \(SVG.n(double($0.weeks))) weeks" }
            .joined(separator: "; ")
            + ". Go-live in week \(SVG.n(goLive)); done by week \(SVG.n(total))."
        return svg.render(id: "chart-timeline", title: "Implementation timeline", description: description)
    }

    /// The readiness profile: points earned against points available, per check.
    static func readiness(_ r: AssessmentResult, weights: [String: Double], labels: [String: String], accent: String)
        -> String
    {
        let checks = r.readiness.checks
        let left = 250.0, right = 80.0, top = 20.0, rowHeight = 26.0
        let width = 640.0
        let height = top + Double(max(1, checks.count)) * rowHeight + 40
        var svg = SVG(width: width, height: height)
        let maxPoints = max(1, weights.values.max() ?? 25)
        let plot = width - left - right
        func x(_ p: Double) -> Double { left + plot * p / maxPoints }
        for (i, check) in checks.enumerated() {
            let y = top + Double(i) * rowHeight
            let available = weights[check.id] ?? 0
            let earned = double(check.points)
            svg.text(labels[check.id] ?? check.id, x: left - 8, y: y + 15, anchor: .end, size: 11)
            svg.rect(
                x: left, y: y + 4, width: x(available) - left, height: 14, fill: "#ffffff", stroke: ink, dash: true)
            svg.rect(x: left, y: y + 4, width: x(earned) - left, height: 14, fill: accent, stroke: ink)
            svg.text(
                "\(check.passed ? "✓" : "✗") \(SVG.n(earned)) of \(SVG.n(available))", x: x(available) + 6, y: y + 15,
                size: 10, bold: !check.passed)
        }
        svg.text(
            "Points (total \(r.readiness.score) of 100)", x: left + plot / 2, y: height - 10, anchor: .middle, size: 11,
            bold: true)
        let description =
            "Readiness \(r.readiness.score) of 100. "
            + checks.map {
                "\(labels[$0.id] ?? $0.id): \($0.passed ? "passed" : "not yet"), \(SVG.n(double($0.points))) of \(SVG.n(weights[$0.id] ?? 0)) points"
            }.joined(separator: "; ") + "."
        return svg.render(id: "chart-readiness", title: "Readiness profile", description: description)
    }
}
