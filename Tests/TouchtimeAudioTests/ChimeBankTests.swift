import Testing
import TouchtimeAudio
import TouchtimeCore

/// A protocol may give every phase its own pitch: the bank renders what a session is about to
/// play and keeps only what fits, so 200 voices cost a few renders' memory, not 200.
@Suite struct ChimeBankTests {
    /// `count` phases, each with its own bell pitch.
    static func manyPitches(_ count: Int) throws -> ChimePlan {
        let phases = (0..<count).map { index in
            #"{"id": "p\#(index)", "title": "Phase \#(index)", "cue": "Hold.", "duration": "2s", "chimes": {"pitch": \#(220 + index * 7)}}"#
        }
        let text = #"{"format": "touchtime/1", "id": "pitches", "title": "Pitches", "phases": [\#(phases.joined(separator: ","))]}"#
        let loaded = try ProtocolLoader.decode(Array(text.utf8), file: "pitches.json")
        return ChimePlan(timeline: Timeline(loaded))
    }

    @Test func keepsNoMoreThanItsCapacityAndRendersAVoiceAgainTheSame() throws {
        let plan = try Self.manyPitches(200)
        #expect(plan.voices.count == 201, "200 bells and the finish")
        let capacity = 4 << 20
        let bank = ChimeBank(capacity: capacity)
        var first: [ChimeVoice: Int] = [:]
        for voice in plan.voicesInOrder.prefix(40) {
            let samples = bank.samples(for: voice)
            first[voice] = samples.count
            #expect(bank.keptBytes <= capacity)
        }
        #expect(bank.renderCount == 40)
        // The first voice was let go long ago: asked again, it is rendered again, identical.
        let voice = try #require(plan.voicesInOrder.first)
        #expect(bank.samples(for: voice) == ChimeSynthesizer.render(voice))
        #expect(bank.renderCount == 41)
        // The one just used is kept: no render.
        _ = bank.samples(for: voice)
        #expect(bank.renderCount == 41)
    }

    /// A session renders its plan's voices in the background while it starts; the session asking
    /// for one of them meanwhile waits for that render, and nothing is rendered twice.
    @Test func aVoiceAskedForWhileItRendersElsewhereIsRenderedOnce() async throws {
        let plan = try Self.manyPitches(2)
        let bank = ChimeBank()
        let voices = Array(plan.voicesInOrder)
        #expect(voices.count == 3, "two bells and the finish: all fit in the bank")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for voice in voices { _ = bank.samples(for: voice) } }
            }
        }
        #expect(bank.renderCount == voices.count)
    }

    @Test func aKeptVoicesLengthIsToldWithoutRenderingAnything() throws {
        let bank = ChimeBank()
        let tick = ChimeVoice(kind: .pace)
        #expect(bank.keptCount(for: tick) == nil)
        #expect(bank.renderCount == 0, "asking renders nothing")
        let samples = bank.samples(for: tick)
        #expect(bank.keptCount(for: tick) == samples.count)
        #expect(samples.count < 48_000, "a stroke tick is short: listening is set aside for it only as long")
    }

    @Test func prepareRendersTheFirstVoicesHeardUpToItsCapacity() throws {
        let plan = try Self.manyPitches(200)
        let bank = ChimeBank(capacity: 4 << 20)
        bank.prepare(plan)
        #expect(bank.renderCount >= 3 && bank.renderCount < 10, "\(bank.renderCount) renders ahead")
        #expect(bank.keptBytes <= 4 << 20)
        // A protocol without pitches of its own: every voice ahead, well within the default capacity.
        let ritual = ChimePlan(timeline: Timeline(try #require(try BundledProtocols.load("neurotouch-symmetry"))))
        let whole = ChimeBank()
        whole.prepare(ritual)
        #expect(whole.renderCount == ritual.voices.count)
    }

    /// A guide of many pitches is rendered through a bounded bank (room for two bells here),
    /// sample for sample the sum of every bell at its planned sample.
    @Test func aGuideOfManyPitchesIsEveryBellOnItsSampleThroughABoundedBank() async throws {
        let plan = try Self.manyPitches(30)
        let bank = ChimeBank(capacity: 2 << 20)
        let guide = SessionRenderer(plan, bank: bank)
        let samples = try await guide.samples()
        #expect(bank.keptBytes <= 2 << 20)
        let length = guide.cues.reduce(guide.sessionEnd) {
            max($0, SessionRenderer.onsetSample($1.planned) + ChimeSynthesizer.render($1.voice).count)
        }
        var expected = [Int32](repeating: 0, count: length)
        for cue in guide.cues {
            let start = SessionRenderer.onsetSample(cue.planned)
            for (offset, value) in ChimeSynthesizer.render(cue.voice).enumerated() where start + offset < expected.count {
                expected[start + offset] += Int32(value)
            }
        }
        #expect(samples.count == expected.count)
        let mismatches = zip(samples, expected).filter { Int32($0) != max(-32767, min(32767, $1)) }.count
        #expect(mismatches == 0)
    }
}
