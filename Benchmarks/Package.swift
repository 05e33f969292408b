// swift-tools-version: 6.1
// TraceKit benchmarks: release-built executables that measure TraceKit and its peers in one run
// and print medians and ratios. Run: swift run -c release --package-path Benchmarks <name>
import PackageDescription

let package = Package(
    name: "TraceKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The name makes `package: "TraceKit"` resolve whatever the checkout directory is called.
        .package(name: "TraceKit", path: ".."),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "SpanBenchmarks",
            dependencies: [
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceKitBridges", package: "TraceKit"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "MetricsBenchmarks",
            dependencies: [
                .product(name: "TraceMetrics", package: "TraceKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "LogBenchmarks",
            dependencies: [
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceLog", package: "TraceKit"),
            ]
        ),
    ]
)
