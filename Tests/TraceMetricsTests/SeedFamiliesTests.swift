// The seed's metric families, registered as Docs/Metrics.md shows, render under the documented names.

import Testing
import TraceMetrics

@Suite("Seed metric families")
struct SeedFamiliesTests {
    /// Registers every family of the table in Docs/Metrics.md the way its examples do, with one sample each.
    static func seedRegistry() throws -> MetricsRegistry {
        let registry = MetricsRegistry(clock: .fixed(1_700_000_000))
        // Kernel
        let syscalls = try registry.counterFamily(
            "kernel_syscalls_total", help: "System calls.", labelNames: ["syscall"])
        try syscalls.labels(["syscall": "read"]).increment()
        try registry.histogramFamily(
            "kernel_syscall_duration_seconds", help: "System call latency.", unit: "seconds", labelNames: ["syscall"]
        ).labels(["syscall": "read"]).observe(0.000_2)
        try registry.counterFamily(
            "kernel_syscall_permission_denied_total", help: "Syscalls refused by the permission check.",
            labelNames: ["syscall"]
        ).labels(["syscall": "open"]).increment()
        try registry.gauge("kernel_uptime_seconds", help: "Seconds since the kernel started.", unit: "seconds").set(42)
        // Backend
        let httpRequests = try registry.counterFamily(
            "backend_http_requests_total", help: "HTTP requests.", labelNames: ["method", "path", "status"])
        let httpLatency = try registry.histogramFamily(
            "backend_http_request_duration_seconds", help: "HTTP request latency.", unit: "seconds",
            labelNames: ["method", "path"])
        try httpRequests.labels(values: ["GET", "/apps", "200"]).increment()
        try httpLatency.labels(values: ["GET", "/apps"]).observe(
            0.012, exemplar: try Exemplar(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7"))
        try registry.gauge("backend_apps_active", help: "Applications running.").set(3)
        try registry.counterFamily(
            "backend_service_calls_total", help: "Calls to internal services.", labelNames: ["service", "method"]
        ).labels(["service": "ai", "method": "Generate"]).increment()
        try registry.counterFamily("backend_grpc_calls_total", help: "gRPC calls.", labelNames: ["method", "code"])
            .labels(["method": "/kernel.Kernel/Exec", "code": "OK"]).increment()
        let done = registry.trackOperation("list", histogram: "backend_app_operation_duration_seconds")
        done()
        // AI service
        try registry.counterFamily(
            "ai_ui_requests_total", help: "UI generation requests.", labelNames: ["action", "status"]
        ).labels(["action": "generate", "status": "success"]).increment()
        try registry.histogramFamily(
            "ai_ui_duration_seconds", help: "UI generation latency.", unit: "seconds", labelNames: ["action"],
            buckets: try HistogramBuckets.exponential(start: 0.1, factor: 2, count: 11)
        ).labels(["action": "generate"]).observe(1.7)
        try registry.counterFamily("ai_chat_requests_total", help: "Chat requests.", labelNames: ["status"])
            .labels(["status": "success"]).increment()
        try registry.counterFamily("ai_llm_calls_total", help: "LLM API calls.", labelNames: ["model", "status"])
            .labels(["model": "small", "status": "ok"]).increment()
        try registry.counterFamily("ai_cache_hits_total", help: "Cache hits.", labelNames: ["cache"])
            .labels(["cache": "ui_spec"]).increment()
        // UI
        let timer = try registry.startTimer(
            "ui_tool_execution_duration_seconds", labels: ["tool": "search"], help: "Tool execution latency.")
        timer.stop()
        try registry.counterFamily(
            "ui_tool_executions_total", help: "Tool executions.", labelNames: ["tool", "status"]
        )
        .labels(["tool": "search", "status": "ok"]).increment()
        try registry.histogramFamily(
            "ui_webvitals_cls", help: "Cumulative Layout Shift per page view.", labelNames: ["page"],
            buckets: [0.05, 0.1, 0.15, 0.25, 0.5, 1]
        ).labels(["page": "/apps"]).observe(0.08)
        try registry.histogramFamily(
            "ui_webvitals_fid_seconds", help: "First Input Delay.", unit: "seconds", labelNames: ["page"],
            buckets: [0.01, 0.025, 0.05, 0.1, 0.3, 1]
        ).labels(["page": "/apps"]).observe(0.016)
        try registry.histogramFamily(
            "ui_webvitals_lcp_seconds", help: "Largest Contentful Paint.", unit: "seconds", labelNames: ["page"],
            buckets: [0.5, 1, 2.5, 4, 6, 10]
        ).labels(["page": "/apps"]).observe(1.9)
        try registry.counterFamily("ui_component_renders_total", help: "Component renders.", labelNames: ["component"])
            .labels(["component": "Button"]).increment()
        return registry
    }

    static let documentedNames = [
        "kernel_syscalls_total", "kernel_syscall_duration_seconds", "kernel_syscall_permission_denied_total",
        "kernel_uptime_seconds", "backend_http_requests_total", "backend_http_request_duration_seconds",
        "backend_apps_active", "backend_service_calls_total", "backend_grpc_calls_total",
        "backend_app_operation_duration_seconds", "ai_ui_requests_total", "ai_ui_duration_seconds",
        "ai_chat_requests_total", "ai_llm_calls_total", "ai_cache_hits_total", "ui_tool_executions_total",
        "ui_tool_execution_duration_seconds", "ui_webvitals_cls", "ui_webvitals_fid_seconds",
        "ui_webvitals_lcp_seconds", "ui_component_renders_total",
    ]

    @Test("every documented family registers and appears under its documented name")
    func documentedFamiliesRender() throws {
        let registry = try Self.seedRegistry()
        let text = registry.exposition(.prometheusText)
        let typed = Set(
            text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        #expect(typed == Set(Self.documentedNames))
        #expect(registry.trackingFailures == 0)
        #expect(registry.stats("ui_tool_execution_duration_seconds")?.count == 1)
    }

    @Test(
        "promtool finds nothing to lint in the seed families",
        .enabled(if: PeerTools.runPromtoolTests, PeerCompatibilityTests.promtoolNote))
    func seedFamiliesPassPromtool() throws {
        let promtool = try #require(PeerTools.promtool, "promtool is missing: install the Debian package 'prometheus'")
        let registry = try Self.seedRegistry()
        let result = try PeerTools.run(
            promtool, ["check", "metrics"], input: registry.expositionBytes(.prometheusText))
        #expect(result.status == 0, "promtool: \(result.stdout) \(result.stderr)")
    }

    @Test(
        "prometheus-client's OpenMetrics parser accepts the seed families",
        .enabled(if: PeerTools.runPythonTests, PeerCompatibilityTests.pythonNote))
    func seedFamiliesParseAsOpenMetrics() throws {
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let samples = try PythonParser.parse(
            try Self.seedRegistry().expositionBytes(.openMetrics), as: .openmetrics, python: python)
        #expect(samples.contains { $0.name == "backend_http_request_duration_seconds_bucket" && $0.exemplar != nil })
        #expect(samples.first { $0.name == "kernel_uptime_seconds" }?.value == 42)
    }
}
