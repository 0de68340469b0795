// swift-tools-version: 6.0
// libFuzzer targets for what reads files and input: the protocol loader, the history line parser, the
// configuration and the key decoder.
// A package of its own, so the main package never builds them without the fuzzer's `main`:
//   swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Run by .ci/fuzz (CI), which says how.
import PackageDescription

/// What each fuzzer links: the core it feeds, and libFuzzer's driver.
let fuzzed: [Target.Dependency] = ["FuzzDriver", .product(name: "TouchtimeCore", package: "touchtime")]

let package = Package(
    name: "touchtime-fuzz",
    dependencies: [.package(name: "touchtime", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzProtocolLoader", dependencies: fuzzed),
        .executableTarget(name: "FuzzHistoryLine", dependencies: fuzzed),
        .executableTarget(name: "FuzzKeyInput", dependencies: fuzzed),
        .executableTarget(name: "FuzzConfiguration", dependencies: fuzzed),
    ]
)
