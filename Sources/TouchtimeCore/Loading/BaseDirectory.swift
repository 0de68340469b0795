/// The XDG base directories: `$XDG_CONFIG_HOME` / `$XDG_DATA_HOME` when set to an absolute
/// path, else their defaults under `$HOME`.
public enum BaseDirectory: String, Sendable {
    case config = "XDG_CONFIG_HOME"
    case data = "XDG_DATA_HOME"
    /// What can be made again: the history's saved summary.
    case cache = "XDG_CACHE_HOME"

    private var fallback: String {
        switch self {
        case .config: return ".config"
        case .data: return ".local/share"
        case .cache: return ".cache"
        }
    }

    /// `path` (such as `touchtime/protocols`) inside the directory, or nil with neither variable set.
    public func path(_ path: String, environment: [String: String]) -> String? {
        place(path, environment: environment)?.path
    }

    /// `path` inside the directory, and the folder that must already be there for it: HOME when
    /// the path is made from it (touchtime creates what is below HOME, never HOME itself); none
    /// for the variable's own folder, which is created when missing, as the XDG specification asks.
    public func place(_ path: String, environment: [String: String]) -> (path: String, root: String?)? {
        if let base = environment[rawValue], base.hasPrefix("/") {
            return (base + "/" + path, nil)
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home + "/" + fallback + "/" + path, home)
        }
        return nil
    }
}
