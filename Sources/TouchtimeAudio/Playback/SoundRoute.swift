#if canImport(Glibc)
import Glibc
#endif
import TouchtimeSystem

/// The way an ALSA device name reaches the ears, told truthfully: PipeWire through its own ALSA
/// plugin (pipewire-alsa), PipeWire through ALSA's pulse plugin and pipewire-pulse, PulseAudio,
/// a card, or a file. On PipeWire, `default` is often the pulse plugin (when pipewire-alsa is
/// missing, or PulseAudio's ALSA hook wins); there the delays the plugin reports scatter by tens
/// of milliseconds (measured here: -26 to +54 ms, in a sawtooth), so touchtime plays through the
/// `pipewire` PCM instead whenever it opens, and says so when it cannot.
public struct SoundRoute: Sendable, Equatable {
    public enum Path: Sendable, Equatable {
        /// PipeWire's own ALSA plugin (the `pipewire` PCM, from pipewire-alsa).
        case pipeWire
        /// ALSA's pulse plugin talking to PipeWire's pulse server (pipewire-pulse).
        case pulseOnPipeWire
        /// ALSA's pulse plugin talking to PulseAudio.
        case pulseAudio
        /// ALSA's pulse plugin, its server unknown (not seen in $XDG_RUNTIME_DIR).
        case pulse
        /// Another external plugin (jack, a network sink...).
        case otherPlugin(String)
        case card
        case file
        case null
    }

    /// The device asked for (`--device`, the configuration's, or `default`).
    public let asked: String
    /// The device opened: `asked`, or `pipewire` in its place (see `candidates`).
    public let opened: String
    public let path: Path

    /// Whether the device's delay reports can place a chime to the millisecond: not through the
    /// pulse plugin to pipewire-pulse (chimes are then placed by counting frames, with a longer lead).
    public var reportsAreReliable: Bool { path != .pulseOnPipeWire }

    /// How `doctor` and the warnings name it.
    public var description: String {
        let name = asked == opened ? "ALSA '\(asked)'" : "ALSA '\(asked)' (played through 'pipewire' instead)"
        switch path {
        case .pipeWire: return "\(name) plays through PipeWire (pipewire-alsa)"
        case .pulseOnPipeWire: return "\(name) plays through ALSA's pulse plugin to PipeWire (pipewire-pulse)"
        case .pulseAudio: return "\(name) plays through PulseAudio"
        case .pulse: return "\(name) plays through ALSA's pulse plugin (a pulse sound server)"
        case .otherPlugin(let type): return "\(name) plays through ALSA's \(type) plugin"
        case .card: return "\(name) plays to a sound card"
        case .file: return "\(name) is ALSA's file plugin (written, not heard)"
        case .null: return "\(name) is ALSA's null plugin (discarded)"
        }
    }

    /// What to do about a route whose timing is approximate, or nil.
    public var fix: String? {
        path == .pulseOnPipeWire ? "install pipewire-alsa (sudo apt install pipewire-alsa): touchtime then plays through it" : nil
    }

    /// The devices to try, in order, for `asked`: on PipeWire, when `default` is the pulse plugin
    /// and the `pipewire` PCM is defined, `pipewire` first.
    static func candidates(for asked: String) -> [String] {
        guard asked == "default", ALSA.pluginType(of: "default") == "pulse", pulseServer() == .pulseOnPipeWire,
              ALSA.pluginType(of: "pipewire") == "pipewire" else { return [asked] }
        return ["pipewire", asked]
    }

    /// The route of a device opened as `opened` (asked for as `asked`), of kind `kind`.
    static func of(asked: String, opened: String, kind: PCMKind) -> SoundRoute {
        let path: Path
        switch kind {
        case .file: path = .file
        case .null: path = .null
        case .card: path = .card
        case .externalPlugin:
            switch ALSA.pluginType(of: opened) {
            case "pipewire": path = .pipeWire
            case "pulse": path = pulseServer()
            case let type?: path = .otherPlugin(type)
            case nil: path = .otherPlugin("external")
            }
        }
        return SoundRoute(asked: asked, opened: opened, path: path)
    }

    /// Which server answers the pulse plugin: the program listening on $PULSE_SERVER's socket
    /// (when it names one) or $XDG_RUNTIME_DIR/pulse/native; PipeWire when that cannot be seen but
    /// only PipeWire's own socket is there.
    static func pulseServer() -> Path {
        let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
        var socket = environment("XDG_RUNTIME_DIR").map { $0 + "/pulse/native" }
        if let server = environment("PULSE_SERVER"), !server.isEmpty {
            socket = server.hasPrefix("unix:") ? String(server.dropFirst(5)) : (server.hasPrefix("/") ? server : nil)
        }
        if let socket, let command = UnixSocketServer.command(listeningAt: socket, candidates: ["pulseaudio", "pipewire-pulse", "pipewire"]) {
            return command == "pulseaudio" ? .pulseAudio : .pulseOnPipeWire
        }
        if let runtime = environment("XDG_RUNTIME_DIR"), access(runtime + "/pipewire-0", F_OK) == 0 { return .pulseOnPipeWire }
        return .pulse
    }
}
