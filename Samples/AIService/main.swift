// AIService: the AI-service layer: `ui_generation` with a cache lookup and an LLM call nested inside, as a tree.
//
// Run: swift run AIService

import TraceAnalysis
import TraceKit
import TraceKitTesting

struct ProviderTimeout: Error {}

/// The seed's `with trace_operation("ui_generation", message=request.message[:50])`.
func generateUI(_ message: String, cached: Bool, failing: Bool) async throws -> String {
    try await traceOperation("ui_generation", ["action": "generate", "message": .string(String(message.prefix(50)))]) {
        let hit = traceOperation("cache_lookup", ["cache.name": "ui_spec"]) { span in
            span.setAttribute("cache.hit", .bool(cached))
            return cached
        }
        if hit { return "<cached spec>" }
        return try await traceOperation("llm_call", ["model": "small-model"], kind: .client) {
            try await Task.sleep(for: .milliseconds(15))  // the provider thinking
            if failing { throw ProviderTimeout() }  // recorded on the span as an error, then rethrown
            return "<fresh spec>"
        }
    }
}

let spans = InMemorySpanSink()
try TraceSystem.bootstrap(TraceConfiguration(service: "ai-service", sinks: [spans]))
_ = try await generateUI("make a todo app", cached: false, failing: false)
_ = try await generateUI("make a todo app", cached: true, failing: false)
_ = try? await generateUI("make a chess app", cached: false, failing: true)

for tree in TraceForest(spans.spans).trees { print(tree.renderText()) }
