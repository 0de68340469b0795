import ArgumentParser

/// `--config FILE`, for every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the configuration from FILE instead of $XDG_CONFIG_HOME/touchtime/config.json "
                               + "(or $TOUCHTIME_CONFIG).", valueName: "file"), completion: .file(extensions: ["json"]))
    var config: String?
}
