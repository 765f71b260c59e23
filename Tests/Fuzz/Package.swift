// swift-tools-version:6.0
// libFuzzer targets for ErratumCore; built and run by scripts/fuzz, never by the root package
// (they only link with `--sanitize=fuzzer`, whose runtime supplies `main`).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the clone is called.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let erratum = root.lastPathComponent.lowercased()

let core: Target.Dependency = .product(name: "ErratumCore", package: erratum)

let package = Package(
    name: "ErratumFuzz",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(name: "FuzzFrontMatter", dependencies: [core]),
        .executableTarget(name: "FuzzMacroParser", dependencies: [core]),
        .executableTarget(name: "FuzzRender", dependencies: [core]),
    ],
    swiftLanguageModes: [.v6]
)
