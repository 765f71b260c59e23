// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Erratum",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "erratum", targets: ["erratum"]),
        .library(name: "ErratumCore", targets: ["ErratumCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // libcmark from the system (Debian: libcmark-dev). Only ErratumCore/Markdown imports it.
        .systemLibrary(
            name: "CMark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        // The one Linux call Foundation does not offer: an atomic exchange of two folders.
        .target(name: "CErratumSystem"),
        // The files the binary carries: templates/ and the starter project of `erratum init`,
        // turned into Swift source at build time (see Plugins/EmbedBuiltIns).
        .executableTarget(name: "ErratumEmbed"),
        .plugin(name: "EmbedBuiltIns", capability: .buildTool(), dependencies: ["ErratumEmbed"]),
        .target(name: "ErratumBuiltIns", exclude: ["Starter"], plugins: ["EmbedBuiltIns"]),
        .target(
            name: "ErratumCore",
            dependencies: [
                "CMark",
                "CErratumSystem",
                "ErratumBuiltIns",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // `erratum serve`: the preview server, on SwiftNIO; the engine stays free of it.
        .target(
            name: "ErratumServer",
            dependencies: [
                "ErratumCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ErratumCommands",
            dependencies: [
                "ErratumCore",
                "ErratumServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "erratum", dependencies: ["ErratumCommands"]),
        .testTarget(
            name: "ErratumCoreTests",
            dependencies: ["ErratumCore", "ErratumCommands"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ErratumServerTests", dependencies: ["ErratumServer", "ErratumCore"]),
        // Real nginx, Apache httpd and tidy processes on loopback ports.
        .testTarget(name: "IntegrationTests", dependencies: ["ErratumCore"]),
    ],
    swiftLanguageModes: [.v6]
)
