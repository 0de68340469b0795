import ArgumentParser
import TouchtimeCore

/// A number as a person writes it on a command line: an optional sign, decimal digits, an
/// optional fraction and exponent. Swift's own parsing would take `0x10` as 16 and `nan` or
/// `inf` as numbers; none of those is a speed or a lead-in.
struct DecimalNumber: ExpressibleByArgument, Sendable, Equatable {
    var value: Double

    init(_ value: Double) {
        self.value = value
    }

    init?(argument: String) {
        guard argument.wholeMatch(of: /[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/) != nil,
              let value = Double(argument), value.isFinite else { return nil }
        self.value = value
    }

    var defaultValueDescription: String { JSONText.number(value) }
}
