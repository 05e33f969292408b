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
        // Only for OTLPEncodingBenchmarks: the generated-code peer of TraceKit's hand-written OTLP encoder.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The synthetic workload every log and analysis benchmark measures.
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "TraceKit", package: "TraceKit")]
        ),
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
                "BenchmarkSupport",
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceLog", package: "TraceKit"),
            ]
        ),
        // TraceKit's hand-written OTLP protobuf encoder against swift-protobuf generated messages (code in
        // Generated/, made by Scripts/generate-otlp-swift-protobuf.sh and committed).
        .executableTarget(
            name: "OTLPEncodingBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceExport", package: "TraceKit"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .executableTarget(
            name: "BurstBenchmarks",
            dependencies: [
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceLog", package: "TraceKit"),
            ]
        ),
        .executableTarget(
            name: "AnalysisBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "TraceKit", package: "TraceKit"),
                .product(name: "TraceLog", package: "TraceKit"),
                .product(name: "TraceAnalysis", package: "TraceKit"),
                .product(name: "TraceMetrics", package: "TraceKit"),
            ]
        ),
    ]
)
