import ArgumentParser
import TouchtimeAudio
import SystemPackage
import TouchtimeCore
import TouchtimeSystem

#if canImport(Glibc)
import Glibc
#endif

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what a session needs: the sound device, the voice, the configuration, the history folder, the terminal.",
        discussion: """
            One line per check, 'ok' or 'FAIL', each failure with its fix: the ALSA device opens (the \
            configuration's, or --device), through what (PulseAudio, PipeWire or a card) and the latency \
            it reports once its stream runs (at most 2.5 s of waiting); flite speaks a word, and whether \
            espeak-ng is installed (other languages); spoken commands (run --listen): pocketsphinx and its \
            model load, and with "listen" on, the capture device opens; the configuration file is found and valid; the \
            history folder can be written (a probe file, removed at once); the terminal's size and colour. \
            Nothing is played aloud. Exit 0 when every check passes, 69 otherwise.
            """
    )

    @OptionGroup var deviceOption: DeviceOption

    @OptionGroup var configOptions: ConfigOptions

    /// One check's line: passed or not, its name, what was found (and the fix, when failed).
    struct Check {
        var passed: Bool
        var name: String
        var text: String

        /// Within 80 columns: what a line says wraps under its start, each line 80 wide at most.
        var lines: [String] {
            let indent = String(repeating: " ", count: 16)
            // By words, a path too long for a line kept whole on its own (copied from the terminal, it must work).
            var wrapped: [String] = []
            for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
                if let last = wrapped.last, TextWidth.of(last) + 1 + TextWidth.of(word) <= 80 - indent.count {
                    wrapped[wrapped.count - 1] = last + " " + word
                } else {
                    wrapped.append(word)
                }
            }
            let head = "\(TextWidth.fit(passed ? "ok" : "FAIL", 5)) \(TextWidth.fit(name, 9)) "
            return [head + (wrapped.first ?? "")] + wrapped.dropFirst().map { indent + $0 }
        }
    }

    func run() async throws {
        let environment = Environment.variables
        let (configuration, configurationCheck) = Self.checkConfiguration(configOptions)
        let device = deviceOption.device ?? configuration?.device ?? "default"
        let checks = [
            await Self.checkSound(device, environment: environment),
            await Self.checkVoice(),
            await Self.checkListening(configuration, environment: environment),
            configurationCheck,
            Self.checkHistory(environment: environment),
            Self.checkTerminal(environment: environment),
        ]
        StandardStream.output.write(checks.flatMap(\.lines).map { $0.escapingUnsafe + "\n" }.joined())
        if checks.contains(where: { !$0.passed }) { throw ExitStatus.unavailable }
    }

    // MARK: Listening

    /// Spoken commands (`run --listen`) are opt-in: with `"listen": true` in the configuration, the
    /// spotter must load and the capture device open (a failure then fails); otherwise it only
    /// says whether they could be had.
    static func checkListening(_ configuration: Configuration?, environment: [String: String]) async -> Check {
        let model = Listener.modelDirectory(environment: environment)
        let thresholds = configuration?.listenThresholds ?? [:]
        guard configuration?.listen == true else {
            do throws(ListenError) {
                try await Listener.check(device: nil, thresholds: thresholds, helper: PromptsCommand.executablePath, modelDirectory: model)
                return Check(passed: true, name: "listen", text: "off; pocketsphinx and its English model are installed (run --listen)")
            } catch {
                return Check(passed: true, name: "listen", text: "off; \(error) (only for run --listen)")
            }
        }
        let device = configuration?.listenDevice ?? "default"
        do throws(ListenError) {
            try await Listener.check(device: device, thresholds: thresholds, helper: PromptsCommand.executablePath, modelDirectory: model)
            return Check(passed: true, name: "listen", text: "on: pocketsphinx ready, capture device '\(device)' opens")
        } catch {
            let fix = error.description.hasPrefix("cannot listen on")
                ? "name a capture device that is there in listenDevice (arecord -L lists them), or turn listen off"
                : error.description.contains("damaged") ? "reinstall the model (apt install --reinstall pocketsphinx-en-us), or turn listen off"
                : "install it as said, or turn listen off"
            return Check(passed: false, name: "listen", text: "on, but \(error); fix: \(fix)")
        }
    }

    // MARK: Sound

    /// Opens the device as a session would, waits (2.5 s at most) for its stream to run, and reads
    /// the delay it reports. Nothing is scheduled: the stream plays silence.
    static func checkSound(_ device: String, environment: [String: String]) async -> Check {
        let player: ChimePlayer
        switch await DedicatedThread.result({ Result { () throws(ALSAError) in try ChimePlayer(device: device) } }) {
        case .success(let opened):
            player = opened
        case .failure(let error):
            let problem = SoundProblem(error, device: device, environment: environment)
            return Check(passed: false, name: "sound", text: "\(problem.reason); fix: \(problem.fix)")
        }
        let check = await checkStream(player, device: device, environment: environment)
        await player.stop()
        return check
    }

    /// Through what the device plays (the route named truthfully), and its delay reports over
    /// about 2 s once its stream runs: their median, and how far they scatter around the stream's
    /// frame count. A route whose reports cannot place a chime fails, with the fix.
    static func checkStream(_ player: ChimePlayer, device: String, environment: [String: String]) async -> Check {
        let route = player.route
        if route.path == .file || route.path == .null {
            return Check(passed: true, name: "sound", text: "\(route.description); no latency (not a device that plays aloud)")
        }
        guard await player.firstReportedDelay(within: startLimit) != nil else {
            if let failure = player.failure {
                return Check(passed: false, name: "sound", text: "\(route.description), but its stream failed: \(failure); "
                             + "fix: restart the sound server, or name another device with --device")
            }
            return Check(passed: false, name: "sound", text: "\(route.description), but its stream did not start within \(startLimit.seconds) s; "
                         + "fix: check that the sound server runs and is not suspended (pactl info), or try again")
        }
        try? await Task.sleep(for: sampling)
        let reports = player.recentReports
        let delays = reports.map { $0.delay.seconds * 1000 }.sorted()
        let errors = reports.map { $0.error * 1000 }.sorted()
        let median = delays.isEmpty ? 0 : delays[delays.count / 2]
        let spread = errors.count < 3 ? 0 : errors[errors.count * 9 / 10] - errors[errors.count / 10]
        let measured = "delay \(Int(median.rounded())) ms (median of \(reports.count) reports over \(Int(sampling.seconds)) s), "
            + "reports within \((spread * 10).rounded() / 10) ms of the frame count"
        if let fix = route.fix {
            return Check(passed: false, name: "sound", text: "\(route.description); \(measured); its timing reports scatter, "
                         + "so chimes are placed by counting frames; fix: \(fix)")
        }
        if spread > unreliableSpread {
            return Check(passed: false, name: "sound", text: "\(route.description); \(measured): too scattered to place chimes "
                         + "to the millisecond; fix: try --device pipewire, or a card (--device plughw:0,0)")
        }
        return Check(passed: true, name: "sound", text: "\(route.description); \(measured)")
    }

    /// How long a stream may take to start: a sound server holds a new one for a second or more.
    static let startLimit = Duration.milliseconds(2500)
    /// How long the delay reports are sampled once the stream runs.
    static let sampling = Duration.seconds(2)
    /// Reports scattered wider than this (10th to 90th percentile, ms) cannot place a chime.
    static let unreliableSpread = 10.0

    // MARK: Voice

    static func checkVoice() async -> Check {
        let espeak = SpeechSynthesizer.otherLanguagesAvailable
            ? "espeak-ng installed (other languages)"
            : "espeak-ng not installed (English only; other languages: apt install espeak-ng)"
        do {
            let samples = try await SpeechSynthesizer.render("ready")
            guard !samples.isEmpty else {
                return Check(passed: false, name: "voice", text: "flite loads but spoke nothing for \"ready\"; "
                             + "fix: reinstall it (apt install --reinstall libflite1); \(espeak)")
            }
            let length = Int((Double(samples.count) * 1000 / Double(SpeechSynthesizer.sampleRate)).rounded())
            return Check(passed: true, name: "voice", text: "flite speaks (\"ready\": \(length) ms); \(espeak)")
        } catch {
            return Check(passed: false, name: "voice", text: "\(error.description); \(espeak)")
        }
    }

    // MARK: Configuration

    /// The configuration as a session would read it, or nil (with a failed check) when it cannot be used.
    static func checkConfiguration(_ options: ConfigOptions) -> (Configuration?, Check) {
        let (path, _, named) = Settings.locate(options)
        guard let path else {
            return (nil, Check(passed: true, name: "config", text: "none (neither XDG_CONFIG_HOME nor HOME is set): the defaults apply"))
        }
        do throws(ConfigurationError) {
            guard let configuration = try Configuration.load(contentsOf: path, mustExist: named) else {
                return (nil, Check(passed: true, name: "config", text: "\(path) not found: the defaults apply"))
            }
            return (configuration, Check(passed: true, name: "config", text: "\(path) found and valid"))
        } catch {
            let first = error.lines.first ?? path
            let more = error.problems.count > 1 ? " (and \(Counted.text(error.problems.count - 1, "more problem")))" : ""
            return (nil, Check(passed: false, name: "config", text: "\(first)\(more); "
                               + "fix: correct it ('touchtime config' lists every problem), or move it aside"))
        }
    }

    // MARK: History

    /// The history's folder can be written: it exists and a probe file can be made in it (and is
    /// removed at once), or the nearest folder above it that exists lets it be created.
    static func checkHistory(environment: [String: String]) -> Check {
        guard let (path, root) = HistoryFile.defaultPlace(environment: environment) else {
            return Check(passed: false, name: "history", text: "no place for it (neither XDG_DATA_HOME nor HOME is set); "
                         + "fix: set HOME, or give --history FILE or --no-history to run")
        }
        let folder = parent(of: path)
        var status = stat()
        if stat(folder, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                return Check(passed: false, name: "history", text: "\(folder) is not a folder; fix: move it aside")
            }
            var template = Array((folder + "/.touchtime-doctor-XXXXXX").utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.map { mkstemp($0) } ?? -1
            }
            guard descriptor >= 0 else {
                return Check(passed: false, name: "history", text: "\(folder) cannot be written (\(Errno.text(errno))); "
                             + "fix: chmod u+w \(folder), or give --history FILE to run")
            }
            close(descriptor)
            template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
            return Check(passed: true, name: "history", text: "\(folder) is writable")
        }
        // Not there yet: a session creates it below HOME (or XDG_DATA_HOME), which must be there.
        do throws(HistoryFile.WriteError) {
            try HistoryFile.checkDestination(path, root: root)
        } catch {
            return Check(passed: false, name: "history", text: "\(error.reason); fix: set HOME to your home folder, or give --history FILE to run")
        }
        var above = parent(of: folder)
        while stat(above, &status) != 0, above != "/" { above = parent(of: above) }
        guard status.st_mode & S_IFMT == S_IFDIR, access(above, W_OK | X_OK) == 0 else {
            return Check(passed: false, name: "history", text: "\(folder) does not exist and cannot be created in \(above); "
                         + "fix: mkdir -p \(folder), or give --history FILE to run")
        }
        return Check(passed: true, name: "history", text: "\(folder) does not exist yet; it can be created")
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    // MARK: Terminal

    static func checkTerminal(environment: [String: String]) -> Check {
        guard isatty(STDOUT_FILENO) == 1 else {
            return Check(passed: true, name: "terminal", text: "not a terminal (a session prints one line per event)")
        }
        let size = Terminal.shared.size
        let term = environment["TERM"].map { "TERM=\($0)" } ?? "TERM unset"
        let colour = BedsideDisplay.wantsColor(environment)
            ? "colour"
            : (environment["NO_COLOR"] != nil ? "no colour (NO_COLOR is set)" : "no colour (a dumb terminal)")
        return Check(passed: true, name: "terminal", text: "\(size.width)x\(size.height), \(term), \(colour)")
    }
}
