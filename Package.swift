// swift-tools-version: 6.1
// TraceKit: structured tracing, a compressed append-only trace log, and span-derived metrics.
import PackageDescription

let package = Package(
    name: "TraceKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TraceKit", targets: ["TraceKit"]),
        .library(name: "TraceKitTesting", targets: ["TraceKitTesting"]),
        .library(name: "TraceLog", targets: ["TraceLog"]),
        .library(name: "TraceMetrics", targets: ["TraceMetrics"]),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev); used by the trace log.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(name: "TraceKit"),
        .target(name: "TraceKitTesting", dependencies: ["TraceKit"]),
        .target(name: "TraceLog", dependencies: ["TraceKit", "CZlib"]),
        .target(name: "TraceMetrics"),

        .executableTarget(name: "NestedSpans", dependencies: ["TraceKit", "TraceKitTesting"], path: "Samples/NestedSpans"),

        .testTarget(name: "TraceKitTests", dependencies: ["TraceKit", "TraceKitTesting"]),
        .testTarget(name: "TraceLogTests", dependencies: ["TraceLog", "TraceKit", "TraceKitTesting"]),
        // A child process the trace log tests kill mid-write and run under a file-size limit.
        .executableTarget(name: "TraceLogCrashChild", dependencies: ["TraceLog", "TraceKit"], path: "Tests/TraceLogCrashChild"),
        .testTarget(name: "TraceMetricsTests", dependencies: ["TraceMetrics"]),
    ]
)
