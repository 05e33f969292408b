// swift-tools-version: 6.2
// TraceKit: structured tracing, a compressed append-only trace log, and span-derived metrics.
import PackageDescription

// Scripts/test.sh (and so CI) sets TRACEKIT_WARNINGS_AS_ERRORS=1: a warning in TraceKit's own targets fails the
// build there. Packages that depend on TraceKit never see the setting.
let ownSwiftSettings: [SwiftSetting] =
    Context.environment["TRACEKIT_WARNINGS_AS_ERRORS"] == "1" ? [.treatAllWarnings(as: .error)] : []

let package = Package(
    name: "TraceKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TraceKit", targets: ["TraceKit"]),
        .library(name: "TraceKitTesting", targets: ["TraceKitTesting"]),
        .library(name: "TraceLog", targets: ["TraceLog"]),
        .library(name: "TraceMetrics", targets: ["TraceMetrics"]),
        .library(name: "TraceKitBridges", targets: ["TraceKitBridges"]),
        .library(name: "TraceExport", targets: ["TraceExport"]),
        .library(name: "TraceAnalysis", targets: ["TraceAnalysis"]),
        .library(name: "TraceKitHTTP", targets: ["TraceKitHTTP"]),
        .executable(name: "tracekit", targets: ["tracekit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Already in the graph through Hummingbird; named because TraceKitHTTP imports their modules itself.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // zlib from the system (Debian: zlib1g-dev); used by the trace log.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // A pthread-backed lock that ThreadSanitizer understands; package-internal, shared by the core modules.
        .target(name: "TraceSync"),
        .target(name: "TraceKit", dependencies: ["TraceSync"]),
        .target(name: "TraceKitTesting", dependencies: ["TraceKit", "TraceSync"]),
        .target(name: "TraceLog", dependencies: ["TraceKit", "TraceSync", "CZlib"]),
        .target(name: "TraceMetrics", dependencies: ["TraceSync"]),
        .target(name: "TraceExport", dependencies: ["TraceKit", "TraceLog", "TraceMetrics", "TraceSync"]),
        .target(
            name: "TraceKitBridges",
            dependencies: [
                "TraceKit", "TraceSync",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                "TraceMetrics",
            ]
        ),
        // The /metrics endpoint and HTTP server instrumentation on Hummingbird 2.
        .target(
            name: "TraceKitHTTP",
            dependencies: [
                "TraceKit", "TraceSync", "TraceMetrics", "TraceKitBridges", "TraceLog", "TraceAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TraceAnalysis", dependencies: ["TraceKit", "TraceSync", "TraceMetrics"]),

        // The command-line tool: demo, verify, replay, tree, stats, metrics, diff, export, report.
        .executableTarget(
            name: "tracekit",
            dependencies: [
                "TraceKit", "TraceSync", "TraceLog", "TraceAnalysis", "TraceMetrics", "TraceExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // For `tracekit serve` (ServeCommand.swift): the /metrics server and its service group.
                "TraceKitHTTP",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Runnable samples, one per seed layer (Docs/CLI.md lists them).
        .executableTarget(
            name: "NestedSpans", dependencies: ["TraceKit", "TraceKitTesting"], path: "Samples/NestedSpans"),
        .executableTarget(
            name: "KernelSyscalls", dependencies: ["TraceKit", "TraceLog"], path: "Samples/KernelSyscalls"),
        .executableTarget(
            name: "BackendRequests", dependencies: ["TraceKit", "TraceAnalysis", "TraceMetrics"],
            path: "Samples/BackendRequests"),
        .executableTarget(
            name: "AIService", dependencies: ["TraceKit", "TraceAnalysis", "TraceKitTesting"],
            path: "Samples/AIService"),
        .executableTarget(
            name: "UITools", dependencies: ["TraceKit", "TraceAnalysis", "TraceMetrics"], path: "Samples/UITools"),

        // A Hummingbird service with the seed's backend metrics on /metrics and its spans in a trace log.
        .executableTarget(
            name: "BackendService",
            dependencies: [
                "TraceKit", "TraceSync", "TraceKitBridges", "TraceKitHTTP", "TraceLog", "TraceMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Samples/BackendService"
        ),

        .testTarget(name: "TraceKitTests", dependencies: ["TraceKit", "TraceKitTesting"]),
        // Corpus: the golden corpus of logs of every format version, with their expected replay output.
        .testTarget(
            name: "TraceLogTests",
            dependencies: ["TraceLog", "TraceKit", "TraceKitTesting", "TraceExport", "TraceSync"],
            resources: [.copy("Corpus")]),
        // A child process the trace log tests kill mid-write and run under a file-size limit.
        .executableTarget(
            name: "TraceLogCrashChild", dependencies: ["TraceLog", "TraceKit"], path: "Tests/TraceLogCrashChild"),
        .testTarget(name: "TraceMetricsTests", dependencies: ["TraceMetrics", "TraceSync"]),
        .testTarget(
            name: "TraceExportTests", dependencies: ["TraceExport", "TraceKit", "TraceKitTesting", "TraceSync"]),
        .testTarget(
            name: "TraceKitBridgesTests",
            dependencies: [
                "TraceKitBridges", "TraceKit", "TraceKitTesting",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                "TraceMetrics",
            ]
        ),
        .testTarget(
            name: "TraceKitHTTPTests",
            dependencies: [
                "TraceKitHTTP", "TraceKitBridges", "TraceMetrics", "TraceKit", "TraceLog", "TraceExport",
                "TraceKitTesting", "TraceAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TraceAnalysisTests",
            dependencies: ["TraceAnalysis", "TraceKit", "TraceKitTesting", "TraceMetrics", "TraceLog", "TraceSync"]
        ),
        // End-to-end tests that run the built `tracekit` binary; they write their input logs with TraceLog.
        .testTarget(name: "TracekitCLITests", dependencies: ["TraceKit", "TraceLog"]),
    ]
)

// Every target of TraceKit's own gets the build settings above.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + ownSwiftSettings
}
