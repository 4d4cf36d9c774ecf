/// Tick values for an axis: a "nice" step (1, 2 or 5 × a power of ten) covering the range.
struct Axis {
    let ticks: [Double]

    init(from low: Double, to high: Double, roughCount: Int = 5) {
        let lo = min(low, 0), hi = max(high, lo + 1)
        let raw = (hi - lo) / Double(max(1, roughCount))
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? power * 10
        let first = (lo / step).rounded(.down) * step
        var values: [Double] = []
        var v = first
        while v < hi + step * 0.999 {
            values.append(v)
            v += step
        }
        ticks = values
    }

    var low: Double { ticks.first ?? 0 }
    var high: Double { ticks.last ?? 1 }
}
