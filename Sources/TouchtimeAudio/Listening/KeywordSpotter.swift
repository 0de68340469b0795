import CPocketSphinx
import SystemPackage
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

/// Spots a few key phrases in 16 kHz mono speech with pocketsphinx's keyword search, each with its
/// own threshold, against a dictionary of only their words (so it starts in milliseconds, not the
/// 300 ms the full dictionary takes).
///
/// pocketsphinx is opened at run time (`dlopen`), never linked, so only a session that listens
/// maps it. `cmd_ln_init` is variadic and cannot be called from Swift: the configuration is
/// parsed from an argument array (`cmd_ln_parse_r`). Its log is silenced before anything is
/// parsed (`err_set_logfp(NULL)`, then `-logfn /dev/null`): pocketsphinx never writes to the
/// terminal. Not thread-safe: one thread feeds it.
///
/// ```swift
/// let spotter = try KeywordSpotter(phrases: [.init(text: "timer pause", threshold: 1e-20)],
///                                  pronunciations: ["timer": ["T AY M ER"], "pause": ["P AO Z"]])
/// let hits = spotter.process(samples)   // [Hit(phrase: "timer pause", score: -1200, ...)]
/// ```
public final class KeywordSpotter {
    /// A phrase and its threshold: a detection passes when its score is above what the threshold
    /// means (1e-20 is a score of -1950; each factor of 10 moves it by about 22.5).
    public struct Phrase: Sendable, Equatable {
        public var text: String
        public var threshold: Double

        public init(text: String, threshold: Double) {
            self.text = text
            self.threshold = threshold
        }
    }

    /// A detection: the phrase, its score (the keyphrase path's log score against the best phone
    /// loop's, in pocketsphinx's scaled units: higher is surer), and where it ended, in samples
    /// fed since the spotter was made.
    public struct Hit: Sendable, Equatable {
        public var phrase: String
        public var score: Int32
        public var endSample: Int
    }

    /// Where Debian's `pocketsphinx-en-us` puts the acoustic model and the dictionary.
    public static let modelDirectory = "/usr/share/pocketsphinx/model/en-us/en-us"
    public static let dictionaryFile = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
    public static let sampleRate = 16_000
    /// The libraries, in the order their symbols need each other.
    static let libraries = ["libsphinxbase.so.3", "libpocketsphinx.so.3"]

    private struct Calls {
        let free: touchtime_ps_free
        let freeConfig: touchtime_cmd_ln_free_r
        let startUtterance: touchtime_ps_start_utt
        let endUtterance: touchtime_ps_end_utt
        let processRaw: touchtime_ps_process_raw
        let hypothesis: touchtime_ps_get_hyp
        let segments: touchtime_ps_seg_iter
        let nextSegment: touchtime_ps_seg_next
        let segmentWord: touchtime_ps_seg_word
        let segmentScore: touchtime_ps_seg_prob
        let freeSegments: touchtime_ps_seg_free
    }

    private let calls: Calls
    private let decoder: OpaquePointer
    private let config: OpaquePointer
    private var fed = 0
    /// A detection held back for `holdSamples`, in case a surer phrase ends just after it: "timer
    /// back" crosses its threshold a moment before a "timer pause" that scores far better.
    private var pending: (hit: Hit, until: Int)?
    /// How long a detection waits for a surer one: 0.4 s.
    public static let holdSamples = 6400

    /// A spotter for `phrases`; `pronunciations` gives each word's phones (read from pocketsphinx's
    /// dictionary by `pronunciations(of:)` when nil). Throws a one-line reason when pocketsphinx or
    /// its English model is not installed, or a phrase has a word it cannot say.
    ///
    /// The keyphrase list and the dictionary are files to pocketsphinx: written to `folder` (one of
    /// its own under /tmp when nil, removed at once), read by ps_init and ps_set_kws, and removed.
    /// A caller that loads a model that may be damaged (the listening helper) names a folder it owns,
    /// so that a crash inside ps_init leaves nothing behind that its parent does not remove.
    public init(phrases: [Phrase], pronunciations: [String: [String]]? = nil,
                modelDirectory: String = KeywordSpotter.modelDirectory, folder given: String? = nil) throws(ListenError) {
        let library = try Library.open()
        guard access(modelDirectory + "/mdef", R_OK) == 0 else {
            throw ListenError("no English model for pocketsphinx at \(modelDirectory); install it: apt install pocketsphinx-en-us")
        }
        let lists = try Self.wordLists(for: phrases, pronunciations: pronunciations)
        let folder: String
        if let given { folder = given } else { folder = try Self.makeFolder() }
        let dictionaryPath = folder + "/commands.dict"
        let phrasesPath = folder + "/commands.kws"
        defer {
            unlink(dictionaryPath)
            unlink(phrasesPath)
            if given == nil { rmdir(folder) }
        }
        guard Self.write(lists.dictionary, to: dictionaryPath), Self.write(lists.keyphrases, to: phrasesPath) else {
            throw ListenError("cannot write pocketsphinx's word lists in \(folder)")
        }
        (decoder, config) = try library.start(model: modelDirectory, dictionary: dictionaryPath, keyphrases: phrasesPath, phrases: phrases)
        calls = library.calls
    }

    /// pocketsphinx's functions: those a spotter calls, and those that start one.
    private struct Library {
        let calls: Calls
        let parse: touchtime_cmd_ln_parse_r
        let arguments: touchtime_ps_args
        let initialise: touchtime_ps_init
        let setKeyphrases: touchtime_ps_set_kws
        let setSearch: touchtime_ps_set_search
        let startStream: touchtime_ps_start_stream

        /// Opens the libraries and finds every function, with pocketsphinx's log silenced first.
        static func open() throws(ListenError) -> Library {
            let opened: DynamicLibraries
            switch DynamicLibraries.open(KeywordSpotter.libraries) {
            case .success(let libraries): opened = libraries
            case .failure(let failure):
                throw ListenError("pocketsphinx cannot be loaded (\(failure.reason)); install it: apt install libpocketsphinx3 pocketsphinx-en-us")
            }
            func symbol<T>(_ name: String, as type: T.Type) throws(ListenError) -> T {
                guard let function = opened.symbol(name, as: type) else {
                    throw ListenError("pocketsphinx has no \(name) (\(DynamicLibraries.lastError()))")
                }
                return function
            }
            let silence = try symbol("err_set_logfp", as: touchtime_err_set_logfp.self)
            silence(nil)
            return Library(
                calls: Calls(
                    free: try symbol("ps_free", as: touchtime_ps_free.self),
                    freeConfig: try symbol("cmd_ln_free_r", as: touchtime_cmd_ln_free_r.self),
                    startUtterance: try symbol("ps_start_utt", as: touchtime_ps_start_utt.self),
                    endUtterance: try symbol("ps_end_utt", as: touchtime_ps_end_utt.self),
                    processRaw: try symbol("ps_process_raw", as: touchtime_ps_process_raw.self),
                    hypothesis: try symbol("ps_get_hyp", as: touchtime_ps_get_hyp.self),
                    segments: try symbol("ps_seg_iter", as: touchtime_ps_seg_iter.self),
                    nextSegment: try symbol("ps_seg_next", as: touchtime_ps_seg_next.self),
                    segmentWord: try symbol("ps_seg_word", as: touchtime_ps_seg_word.self),
                    segmentScore: try symbol("ps_seg_prob", as: touchtime_ps_seg_prob.self),
                    freeSegments: try symbol("ps_seg_free", as: touchtime_ps_seg_free.self)),
                parse: try symbol("cmd_ln_parse_r", as: touchtime_cmd_ln_parse_r.self),
                arguments: try symbol("ps_args", as: touchtime_ps_args.self),
                initialise: try symbol("ps_init", as: touchtime_ps_init.self),
                setKeyphrases: try symbol("ps_set_kws", as: touchtime_ps_set_kws.self),
                setSearch: try symbol("ps_set_search", as: touchtime_ps_set_search.self),
                startStream: try symbol("ps_start_stream", as: touchtime_ps_start_stream.self))
        }

        /// A decoder on `model` searching for the keyphrases in the file `keyphrases`, its stream
        /// and first utterance started; and its configuration (both freed by the spotter).
        func start(model: String, dictionary: String, keyphrases: String,
                   phrases: [Phrase]) throws(ListenError) -> (decoder: OpaquePointer, config: OpaquePointer) {
            let options = ["touchtime", "-hmm", model, "-dict", dictionary, "-logfn", "/dev/null"]
            var argv = options.map { strdup($0) }
            defer { argv.forEach { free($0) } }
            guard let config = argv.withUnsafeMutableBufferPointer({ parse(nil, arguments(), Int32($0.count), $0.baseAddress, 1) }) else {
                throw ListenError("pocketsphinx refused its configuration")
            }
            guard let decoder = initialise(config) else {
                _ = calls.freeConfig(config)
                throw ListenError("pocketsphinx cannot start (its model at \(model) may be damaged)")
            }
            guard setKeyphrases(decoder, "commands", keyphrases) >= 0, setSearch(decoder, "commands") >= 0,
                  startStream(decoder) >= 0, calls.startUtterance(decoder) >= 0 else {
                _ = calls.free(decoder)
                _ = calls.freeConfig(config)
                throw ListenError("pocketsphinx refused the phrases \(phrases.map { "'\($0.text)'" }.joined(separator: ", "))")
            }
            return (decoder, config)
        }
    }

    /// pocketsphinx's two word lists: a dictionary of the phrases' words only (each pronunciation
    /// of each), and the keyphrases with their thresholds.
    private static func wordLists(for phrases: [Phrase],
                                  pronunciations: [String: [String]]?) throws(ListenError) -> (dictionary: String, keyphrases: String) {
        let words = Set(phrases.flatMap { $0.text.split(separator: " ").map(String.init) })
        let phones: [String: [String]]
        if let pronunciations { phones = pronunciations } else { phones = try Self.pronunciations(of: words) }
        if let missing = words.sorted().first(where: { phones[$0]?.isEmpty ?? true }) {
            throw ListenError("pocketsphinx's dictionary has no word '\(missing)'")
        }
        var dictionary = ""
        for word in words.sorted() {
            for (index, pronunciation) in (phones[word] ?? []).enumerated() {
                dictionary += (index == 0 ? word : "\(word)(\(index + 1))") + " " + pronunciation + "\n"
            }
        }
        return (dictionary, phrases.map { "\($0.text) /\(Self.thresholdText($0.threshold))/\n" }.joined())
    }

    /// A private folder of its own under /tmp for the word lists.
    private static func makeFolder() throws(ListenError) -> String {
        var template = Array("/tmp/touchtime-listen-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else {
            throw ListenError("cannot make a folder for pocketsphinx's word lists: \(Errno.last.text)")
        }
        return made
    }

    deinit {
        _ = calls.endUtterance(decoder)
        _ = calls.free(decoder)
        _ = calls.freeConfig(config)
    }

    /// Feeds `samples` (16 kHz mono) and returns what was spotted: at most one phrase at a time,
    /// reported `holdSamples` after it was first detected, the surest of those detected meanwhile
    /// (one utterance is one command). After a report the search starts afresh.
    public func process(_ samples: [Int16]) -> [Hit] {
        guard !samples.isEmpty else { return [] }
        _ = samples.withUnsafeBufferPointer { calls.processRaw(decoder, $0.baseAddress, $0.count, 0, 0) }
        fed += samples.count
        var score: Int32 = 0
        if calls.hypothesis(decoder, &score) != nil {
            // The utterance's detections so far (an earlier one comes back with every chunk).
            var segment = calls.segments(decoder)
            while let current = segment {
                if let word = calls.segmentWord(current) {
                    // pocketsphinx ends a keyphrase's word with a space ("timer next ").
                    let phrase = String(cString: word).trimmingCharacters(in: " ")
                    let hit = Hit(phrase: phrase, score: calls.segmentScore(current, nil, nil, nil), endSample: fed)
                    if let held = pending {
                        if hit.score > held.hit.score { pending = (hit, held.until) }
                    } else {
                        pending = (hit, fed + Self.holdSamples)
                    }
                }
                segment = calls.nextSegment(current)
            }
        }
        guard let held = pending, fed >= held.until else { return [] }
        restart()
        return [held.hit]
    }

    /// What is held back now, reported at once (the stream is ending).
    public func flush() -> [Hit] {
        guard let held = pending else { return [] }
        restart()
        return [held.hit]
    }

    /// Forgets what was heard so far (a detection, or audio that must not count): the next
    /// samples start a new utterance.
    public func restart() {
        _ = calls.endUtterance(decoder)
        _ = calls.startUtterance(decoder)
        pending = nil
    }

    /// The phones of each word, from pocketsphinx's English dictionary (every variant: `word`,
    /// `word(2)`). Words it does not have are left out.
    public static func pronunciations(of words: Set<String>, dictionary: String = dictionaryFile) throws(ListenError) -> [String: [String]] {
        guard let file = fopen(dictionary, "r") else {
            throw ListenError("no dictionary for pocketsphinx at \(dictionary); install it: apt install pocketsphinx-en-us")
        }
        defer { fclose(file) }
        var found: [String: [String]] = [:]
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard let space = text.firstIndex(of: " ") else { continue }
            var word = String(text[..<space])
            if let parenthesis = word.firstIndex(of: "(") { word = String(word[..<parenthesis]) }
            guard words.contains(word) else { continue }
            let phones = text[text.index(after: space)...].trimmingCharacters(in: " \n")
            if !phones.isEmpty { found[word, default: []].append(phones) }
        }
        return found
    }

    /// A threshold as pocketsphinx reads it: `1e-20`.
    static func thresholdText(_ value: Double) -> String {
        let exponent = Int(log10(value).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        let rounded = (mantissa * 1000).rounded() / 1000
        return rounded == 1 ? "1e\(exponent)" : "\(rounded)e\(exponent)"
    }

    private static func write(_ text: String, to path: String) -> Bool {
        guard let file = fopen(path, "w") else { return false }
        defer { fclose(file) }
        return fputs(text, file) >= 0
    }
}

/// Why listening cannot be had: one line, with what to do.
public struct ListenError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
