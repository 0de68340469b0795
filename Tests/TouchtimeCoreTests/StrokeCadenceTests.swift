import Testing
@testable import TouchtimeCore

@Suite struct StrokeCadenceTests {
    @Test func evenTapsAtTheTargetAreExact() throws {
        let taps = stride(from: 0, through: 20, by: 4).map { Duration.seconds($0) }
        let cadence = try #require(StrokeCadence.analyze(taps: taps, target: .seconds(4)))
        #expect(cadence.taps == 6 && cadence.meanPeriod == .seconds(4) && cadence.spread == .zero && cadence.errorPercent == 0)
    }

    @Test func unevenSlowTapsShowTheirSpreadAndError() throws {
        // Intervals 4, 6, 5, 5 s: mean 5 s (25 % slow), standard deviation sqrt(0.5) s.
        let taps: [Duration] = [0, 4, 10, 15, 20].map { .seconds($0) }
        let cadence = try #require(StrokeCadence.analyze(taps: taps, target: .seconds(4)))
        #expect(cadence.meanPeriod == .seconds(5))
        #expect(abs(cadence.spread.seconds - 0.5.squareRoot()) < 1e-6)
        #expect(cadence.errorPercent == 25)
    }

    @Test func fewerThanTwoTapsMeasureNothing() {
        #expect(StrokeCadence.analyze(taps: [.seconds(1)], target: .seconds(4)) == nil)
    }

    @Test func theDrillKeepsOnlyPacedPhases() throws {
        let ritual = try #require(try BundledProtocols.load(BundledProtocols.defaultID))
        #expect(StrokeCadence.drill(ritual)?.phases.map(\.id) == ["jawline"])
        let express = try #require(try BundledProtocols.load("neurotouch-express"))
        #expect(StrokeCadence.drill(express) == nil)
    }
}
