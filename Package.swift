// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "touchtime",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "touchtime", targets: ["touchtime"]),
        .library(name: "TouchtimeCore", targets: ["TouchtimeCore"]),
        // What tests of the core and the audio need and any test may use (as swift-log ships its
        // in-memory handler): a manual clock, and a finder of known chimes in a recording.
        .library(name: "TouchtimeTestSupport", targets: ["TouchtimeTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // System calls and errno as Swift values; child processes with a clean signal state.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Without its Foundation trait: nothing here links Foundation.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
    ],
    targets: [
        // The thin system layer: errno as text (once), threads of their own, resource caps, over
        // apple/swift-system; and child processes over swift-subprocess, a module of its own so the
        // core needs only the first.
        .target(name: "TouchtimeSystem", dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        .target(name: "TouchtimeProcess", dependencies: [
            "TouchtimeSystem", .product(name: "Subprocess", package: "swift-subprocess"),
        ]),
        // Pure core: protocol model, loader, validation, step engine, runner. No terminal, no audio.
        .target(
            name: "TouchtimeCore",
            dependencies: ["TouchtimeSystem", .product(name: "SystemPackage", package: "swift-system")],
            exclude: [],
            resources: [
                // Symlinks to ../../../Protocols: the bundled protocols are compiled into the binary.
                .embedInCode("Bundled/neurotouch-symmetry.json"),
                .embedInCode("Bundled/neurotouch-express.json"),
                .embedInCode("Bundled/trainee-drill.json"),
                // And the schema, which `touchtime new` writes beside the user's protocols when
                // touchtime runs from a build folder (no share/touchtime beside the binary).
                .embedInCode("Bundled/touchtime.schema.json"),
            ]
        ),
        // The C system library for ALSA: imported by TouchtimeAudio only.
        .systemLibrary(
            name: "CALSA",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        // Speech: flite's built-in English voice (no pkg-config file: the module map links it).
        .systemLibrary(name: "CFlite", providers: [.apt(["flite1-dev"])]),
        // The resampler for speech (16 kHz and others to the stream's 48 kHz).
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        // Keyword spotting for `run --listen`: the few pocketsphinx calls it makes, declared in the
        // shim (checked against pocketsphinx's own headers by .ci/check-shims). No pkg-config: its
        // libraries would be linked into every run; they are opened only when a session listens.
        .systemLibrary(name: "CPocketSphinx", providers: [.apt(["libpocketsphinx3", "pocketsphinx-en-us"])]),
        // Audio: pure chime synthesis and WAV files, speech, ALSA playback and capture, and
        // listening (the only user of CALSA, CFlite, CSoxr and CPocketSphinx).
        .target(name: "TouchtimeAudio", dependencies: [
            "TouchtimeCore", "TouchtimeSystem", "TouchtimeProcess", "CALSA", "CFlite", "CSoxr", "CPocketSphinx",
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // One session in named stages, and what it talks to as protocols (log, screen, sound, inputs,
        // history, signals): the executable supplies the real parts, tests the fakes beside them.
        .target(name: "TouchtimeSession", dependencies: ["TouchtimeCore"]),
        // Test support: shipped, never linked into the executable.
        .target(name: "TouchtimeTestSupport", dependencies: ["TouchtimeCore", "TouchtimeSession"]),
        // The thin executable: argument parsing, the session host, the terminal, keys and signals.
        .executableTarget(
            name: "touchtime",
            dependencies: [
                "TouchtimeCore",
                "TouchtimeAudio",
                "TouchtimeSession",
                "TouchtimeSystem",
                "TouchtimeProcess",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TouchtimeCoreTests", dependencies: ["TouchtimeCore", "TouchtimeTestSupport"]),
        .testTarget(name: "TouchtimeSessionTests", dependencies: ["TouchtimeSession", "TouchtimeCore", "TouchtimeTestSupport"]),
        .testTarget(name: "TouchtimeAudioTests", dependencies: ["TouchtimeAudio", "TouchtimeTestSupport"]),
        // Runs the built binary; depending on it makes `swift test` build it first.
        .testTarget(name: "TouchtimeEndToEndTests", dependencies: ["touchtime", "TouchtimeAudio", "TouchtimeTestSupport"]),
    ]
)

// One set of strict settings for every target.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .swiftLanguageMode(.v6),
    ]
}
