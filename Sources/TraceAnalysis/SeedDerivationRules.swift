// SeedDerivationRules: the rules that derive the seed document's metric families from TraceKit spans.

import TraceKit
import TraceMetrics

extension DerivationRule {
    /// The seed's metric families (see Docs/Metrics.md), derived from the spans TraceKit's APIs produce:
    ///
    /// | spans | families |
    /// |---|---|
    /// | `spanSyscall` spans (`syscall.name`) | `kernel_syscalls_total{syscall}`, `kernel_syscall_duration_seconds{syscall}`, `kernel_syscall_permission_denied_total{syscall}` |
    /// | server spans with `http.route` | `backend_http_requests_total{method,path,status}`, `backend_http_request_duration_seconds{method,path}` |
    /// | `ui_generation` | `ai_ui_requests_total{action,status}`, `ai_ui_duration_seconds{action}` |
    /// | `chat` | `ai_chat_requests_total{status}` |
    /// | `llm_call` | `ai_llm_calls_total{model,status}`, `ai_llm_call_duration_seconds{model}` |
    /// | `cache_lookup` with `cache.hit = true` / `false` | `ai_cache_hits_total{cache}` / `ai_cache_misses_total{cache}` |
    /// | `tool_execution` | `ui_tool_executions_total{tool,status}`, `ui_tool_execution_duration_seconds{tool}` |
    ///
    /// Each duration histogram has buckets that fit its layer (`HistogramBuckets`): syscalls 1 µs to 100 ms,
    /// HTTP 100 µs to 30 s, AI operations and tool runs 5 ms to 60 s.
    public static let seed: [DerivationRule] = [
        DerivationRule(
            matching: .hasAttribute(SyscallAttributes.name),
            families: [
                .counter(
                    "kernel_syscalls_total", help: "System calls made, by syscall.",
                    labels: [.attribute("syscall", SyscallAttributes.name)]),
                .durationHistogram(
                    "kernel_syscall_duration_seconds", help: "System call latency.",
                    labels: [.attribute("syscall", SyscallAttributes.name)],
                    buckets: HistogramBuckets.syscallSeconds),
                .counter(
                    "kernel_syscall_permission_denied_total", help: "System calls refused by a permission check.",
                    labels: [.attribute("syscall", SyscallAttributes.name)],
                    when: .attribute(SyscallAttributes.permissionDenied, equals: .bool(true))),
            ]),
        DerivationRule(
            matching: .all([.kind(.server), .hasAttribute("http.route")]),
            families: [
                .counter(
                    "backend_http_requests_total", help: "HTTP requests handled.",
                    labels: [
                        .attribute("method", "http.request.method", "http.method"),
                        .attribute("path", "http.route"),
                        .attribute("status", "http.response.status_code", "http.status_code"),
                    ]),
                .durationHistogram(
                    "backend_http_request_duration_seconds", help: "HTTP request latency.",
                    labels: [
                        .attribute("method", "http.request.method", "http.method"), .attribute("path", "http.route"),
                    ],
                    buckets: HistogramBuckets.httpSeconds),
            ]),
        DerivationRule(
            matching: .spanName("ui_generation"),
            families: [
                .counter(
                    "ai_ui_requests_total", help: "UI generation requests.",
                    labels: [
                        .attribute("action", "action", fallback: "generate"), DerivedLabel("status", from: .outcome),
                    ]),
                .durationHistogram(
                    "ai_ui_duration_seconds", help: "UI generation latency.",
                    labels: [.attribute("action", "action", fallback: "generate")],
                    buckets: HistogramBuckets.aiSeconds),
            ]),
        DerivationRule(
            matching: .spanName("chat"),
            families: [
                .counter(
                    "ai_chat_requests_total", help: "Chat requests.", labels: [DerivedLabel("status", from: .outcome)])
            ]),
        DerivationRule(
            matching: .spanName("llm_call"),
            families: [
                .counter(
                    "ai_llm_calls_total", help: "LLM API calls.",
                    labels: [
                        .attribute("model", "model", "gen_ai.request.model"), DerivedLabel("status", from: .outcome),
                    ]),
                .durationHistogram(
                    "ai_llm_call_duration_seconds", help: "LLM API call latency.",
                    labels: [.attribute("model", "model", "gen_ai.request.model")], buckets: HistogramBuckets.aiSeconds),
            ]),
        DerivationRule(
            matching: .all([.spanName("cache_lookup"), .attribute("cache.hit", equals: .bool(true))]),
            families: [
                .counter(
                    "ai_cache_hits_total", help: "Cache hits.",
                    labels: [.attribute("cache", "cache.name", fallback: "default")])
            ]),
        DerivationRule(
            matching: .all([.spanName("cache_lookup"), .attribute("cache.hit", equals: .bool(false))]),
            families: [
                .counter(
                    "ai_cache_misses_total", help: "Cache misses.",
                    labels: [.attribute("cache", "cache.name", fallback: "default")])
            ]),
        DerivationRule(
            matching: .spanName("tool_execution"),
            families: [
                .counter(
                    "ui_tool_executions_total", help: "Tool executions.",
                    labels: [.attribute("tool", "tool"), DerivedLabel("status", from: .outcome)]),
                .durationHistogram(
                    "ui_tool_execution_duration_seconds", help: "Tool execution latency.",
                    labels: [.attribute("tool", "tool")], buckets: HistogramBuckets.aiSeconds),
            ]),
    ]
}

/// Bucket sets for derivations; the seed rules use the per-layer sets of `HistogramBuckets` (module TraceMetrics).
public enum HistogramDefaults {
    /// Prometheus client libraries' default buckets, seconds (5 ms to 10 s).
    public static let prometheus: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
}
