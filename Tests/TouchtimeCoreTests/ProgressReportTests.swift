import Foundation
import Testing
@testable import TouchtimeCore

/// The page `touchtime report` writes (issue 24): charts a trainee and an instructor look at.
@Suite struct ProgressReportTests {
    static func report(_ mapes: [Double], support: [PracticeSupport?] = []) -> ProgressReport {
        var report = ProgressReport(protocolID: "trainee-drill")
        for (index, mape) in mapes.enumerated() {
            let day = ProgressPage.civil(20_412 + index)  // 2025-11-20 on
            var entry = PracticeStatsTests.practice(day, mape: mape, rating: Int(max(0, 100 - 2 * mape)),
                                                    segments: [(0, 10 * (1 + mape / 100)), (2, 4 * (1 - mape / 200))])
            entry.protocolID = "trainee-drill"
            entry.support = support.indices.contains(index) ? support[index] : nil
            report.add(entry)
        }
        return report
    }

    @Test func theSignOffNamesTheTightestBandKeptThreeTimesInARow() {
        #expect(Self.report([30, 9, 8, 4]).signOff == "3 practices in a row within band B (10 % mean absolute error), the last on 2025-11-23.")
        #expect(Self.report([4, 4, 3, 2]).signOff.hasPrefix("4 practices in a row within band A (5 %"))
        #expect(Self.report([30, 9]).signOff == "Not yet 3 practices in a row within a band: the last scored 82/100 (B) on 2025-11-21.")
        #expect(ProgressReport(protocolID: "x").signOff == "No practices of x yet.")
    }

    /// On the rating chart, a practice with less support is an open point, and a legend says so.
    @Test func theChartTellsPracticesWithLessSupport() {
        let mixed = ProgressPage.html(Self.report([20, 10, 8], support: [.prompts, .blind, .chimes]), title: "t", today: "2025-11-25")
        #expect(mixed.components(separatedBy: "data-support=\"prompts\"").count - 1 == 1)
        #expect(mixed.contains("data-support=\"blind\"") && mixed.contains("data-support=\"chimes\""))
        #expect(mixed.components(separatedBy: "fill=\"#fff\" stroke=\"#2a7\"").count - 1 == 2, "two open points")
        #expect(mixed.contains("id=\"support-legend\""))
        #expect(!ProgressPage.html(Self.report([20, 10]), title: "t", today: "2025-11-25").contains("support-legend"), "all with prompts: no legend")
    }

    /// With less support the claim is stronger, and the sign-off says so before a longer run with prompts.
    @Test func theSignOffNamesHowLittleSupportTheRunHad() {
        #expect(Self.report([9, 8, 7, 6], support: [.prompts, .blind, .blind, .blind]).signOff
                == "3 blind practices in a row within band B (10 % mean absolute error), the last on 2025-11-23.")
        #expect(Self.report([9, 8, 7, 6], support: [.prompts, .chimes, .blind, .chimes]).signOff
                == "3 practices in a row without prompts within band B (10 % mean absolute error), the last on 2025-11-23.")
        #expect(Self.report([9, 8, 7, 6], support: [.blind, .prompts, .blind, .blind]).signOff
                .hasPrefix("4 practices in a row within band B"), "a prompted practice in the run: no claim of less support")
        #expect(Self.report([20, 8, 7, 6], support: [nil, .blind, .blind, .blind]).signOff.hasPrefix("3 blind practices in a row within band B"))
    }

    @Test func thePageHasItsThreeChartsAndTheirData() {
        let report = Self.report([30, 20, 10, 5])
        let page = ProgressPage.html(report, title: "Trainee <drill> & \"friends\"", today: "2025-11-25")
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(!page.contains("<script"), "no JavaScript")
        #expect(!page.contains("http://") || page.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") },
                "no network: the only URL is SVG's namespace")
        #expect(page.contains("Trainee &lt;drill&gt; &amp; &quot;friends&quot;"), "a title is text, never markup")
        #expect(page.components(separatedBy: "<circle class=\"practice\"").count - 1 == 4)
        #expect(page.contains("data-rating=\"40\" data-date=\"2025-11-20\"") && page.contains("data-rating=\"90\" data-date=\"2025-11-23\""))
        // Two segments a practice: warm held long (+30 % first), the stillness rushed.
        #expect(page.components(separatedBy: "<rect class=\"cell\"").count - 1 == 8)
        #expect(page.contains("data-error=\"30.0\"") && page.contains("data-error=\"-15.0\""))
        // Twelve weeks of days, the four practised ones marked.
        let days = page.components(separatedBy: "<rect class=\"day\"").count - 1
        #expect(days > 77 && days <= 84, "\(days)")
        #expect(page.contains("data-date=\"2025-11-22\" data-count=\"1\"") && page.contains("data-date=\"2025-11-25\" data-count=\"0\""))
        #expect(page.contains("<p id=\"sign-off\">3 practices in a row within band C"))
    }

    @Test func colorsRunFromBlueThroughWhiteToRed() {
        #expect(ProgressPage.color(0) == "#ffffff")
        #expect(ProgressPage.color(50) == "#c0392b" && ProgressPage.color(200) == "#c0392b")
        #expect(ProgressPage.color(-50) == "#2e6fd8")
        #expect(ProgressPage.civil(0) == "1970-01-01" && ProgressPage.civil(20_429) == "2025-12-07")
        #expect(PracticeStats.dayNumber(ProgressPage.civil(20_429)) == 20_429)
    }
}
