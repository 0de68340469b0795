// swift-tools-version: 6.0
// libFuzzer targets for what reads files and input: the protocol loader, the history line parser, the
// configuration and the key decoder.
// A package of its own, so the main package never builds them without the fuzzer's `main`:
//   swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Run by .ci/fuzz (CI), which says how.
import PackageDescription

let package = Package(
    name: "touchtime-fuzz",
    dependencies: [.package(name: "touchtime", path: "..")],
    targets: [
        .executableTarget(name: "FuzzProtocolLoader", dependencies: [.product(name: "TouchtimeCore", package: "touchtime")]),
        .executableTarget(name: "FuzzHistoryLine", dependencies: [.product(name: "TouchtimeCore", package: "touchtime")]),
        .executableTarget(name: "FuzzKeyInput", dependencies: [.product(name: "TouchtimeCore", package: "touchtime")]),
        .executableTarget(name: "FuzzConfiguration", dependencies: [.product(name: "TouchtimeCore", package: "touchtime")]),
    ]
)
