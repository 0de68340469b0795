import Testing
@testable import TouchtimeCore

@Suite struct BlockFontTests {
    @Test func halfBlocksDrawFivePixelRowsInThreeLines() throws {
        let rows = try #require(BlockFont.rows("Left", scale: .init(columns: 1, halfRows: 1)))
        #expect(rows == ["█    █▀▀▀ █▀▀▀ ▀▀█▀▀",
                         "█    █▀▀  █▀▀    █  ",
                         "▀▀▀▀ ▀▀▀▀ ▀      ▀  "])
    }

    @Test func theCountdownsDigitsAreTheFontAtOneByTwo() {
        #expect(BigDigits.rows("0:55") == ["█████     █████ █████", "█   █  █  █     █    ", "█   █     █████ █████",
                                          "█   █  █      █     █", "█████     █████ █████"])
    }

    @Test func everyLetterDigitAndMarkIsFivePixelsTall() {
        let text = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789:.,'-+/!?()&·…"
        #expect(BlockFont.canDraw(text))
        #expect(BlockFont.glyphs.values.allSatisfy { glyph in glyph.count == 5 && Set(glyph.map(\.count)).count == 1 })
    }

    @Test(arguments: BlockFont.Scale.ladder)
    func aScaleMultipliesWidthAndHeight(scale: BlockFont.Scale) throws {
        let rows = try #require(BlockFont.rows("JAWLINE", scale: scale))
        #expect(rows.count == scale.rows && rows.count == (5 * scale.halfRows + 1) / 2)
        #expect(rows.allSatisfy { TextWidth.of($0) == 34 * scale.columns })
        #expect(BlockFont.width("jawline", scale: scale) == 34 * scale.columns, "lowercase is drawn in capitals")
    }

    @Test func textTheFontLacksHasNoBlockForm() {
        #expect(BlockFont.rows("顔のマッサージ", scale: .init(columns: 1, halfRows: 1)) == nil)
        #expect(!BlockFont.canDraw("Left ✋"))
    }

    @Test func wrapsByWordsToAWidth() {
        let scale = BlockFont.Scale(columns: 1, halfRows: 1)
        #expect(BlockFont.wrap("Lift, sculpt and smooth", width: 78, scale: scale) == ["Lift, sculpt and", "smooth"])
        #expect(BlockFont.wrap("Jawline", width: 20, scale: scale) == nil, "a word wider than the line")
    }
}
