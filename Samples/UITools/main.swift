// UITools: the UI layer: tool executions timed as spans, counted and timed per tool by the span analyzer.
//
// Run: swift run UITools

import TraceAnalysis
import TraceKit
import TraceMetrics

/// The seed's `new Timer("tool_execution", { tool: toolId })` ... `timer.stop()`, as a span.
func runTool(_ tool: String, iterations: Int) {
    traceOperation("tool_execution", ["tool": .string(tool)]) {
        var total = 0
        for value in 0..<iterations { total &+= value &* value }
        precondition(total >= 0 || total < 0)  // keep the work from being optimised away
    }
}

let registry = MetricsRegistry()
let analyzer = try SpanAnalyzer(registry: registry)
try TraceSystem.bootstrap(TraceConfiguration(service: "ui", sinks: [analyzer]))
for round in 1...30 {
    runTool("calculator", iterations: 1_000 * round)
    runTool("file_browser", iterations: 20_000)
}

// console.log(metricsCollector.getStats("tool_execution")); quantiles of a histogram are read from its buckets.
if let stats = registry.stats("ui_tool_execution_duration_seconds") {
    print("tool executions: \(stats.count), mean \(stats.mean * 1000) ms")
}
// The seed's per-tool counters, as Prometheus would scrape them.
for line in registry.exposition(.prometheusText).split(separator: "\n") where line.hasPrefix("ui_tool_executions_total")
{
    print(line)
}
