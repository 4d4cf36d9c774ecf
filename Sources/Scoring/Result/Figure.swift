import Foundation

/// A number in a result, with the reason for it in words a client understands and the inputs
/// and parameters that produced it.
public struct Figure: Codable, Sendable, Equatable {
    public var value: Decimal
    public var unit: String
    /// One sentence: why the figure is what it is.
    public var why: String
    public var drivers: [Driver]

    public init(_ value: Double, unit: String, places: Int, why: String, drivers: [Driver] = []) {
        self.value = Figure.decimal(value, places: places)
        self.unit = unit
        self.why = why
        self.drivers = drivers
    }

    /// A `Double` rounded half away from zero to `places` decimals, as an exact `Decimal`.
    public static func decimal(_ value: Double, places: Int) -> Decimal {
        guard value.isFinite else { return 0 }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = Int64((value * scale).rounded(.toNearestOrAwayFromZero))
        // Built from sign, exponent and significand: exact, and far cheaper than dividing Decimals.
        return Decimal(sign: rounded < 0 ? .minus : .plus, exponent: -places, significand: Decimal(rounded.magnitude))
    }
}

/// One input or parameter behind a figure.
public struct Driver: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    /// Where a parameter comes from; absent for the business's own answers.
    public var source: String?

    public init(_ name: String, _ value: String, source: String? = nil) {
        self.name = name
        self.value = value
        self.source = source
    }
}
