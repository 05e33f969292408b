// Tests for the global bootstrap: once only, a clear error the second time, overrides win in their scope.

import Testing
import TraceKit
import TraceKitTesting

@Suite struct BootstrapTests {
    // The only test that touches the process-wide recorder; every other test uses a task-local override.
    @Test func secondBootstrapIsAClearErrorAndOverridesStillWin() throws {
        let global = InMemorySpanSink()
        // A recorder that samples nothing, so spans of other tests running without an override stay out of it.
        let installed = try TraceSystem.bootstrap(
            TraceConfiguration(service: "first", sinks: [global], sampler: .never))
        #expect(TraceSystem.recorder === installed)

        do {
            try TraceSystem.bootstrap(TraceConfiguration(service: "second"))
            Issue.record("second bootstrap succeeded")
        } catch {
            #expect(error == .alreadyBootstrapped(service: "first"))
            #expect(error.description.contains("called twice"))
        }
        #expect(TraceSystem.recorder === installed)

        let local = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(local)) {
            traceOperation("overridden") {}
        }
        #expect(local.spans.map(\.name) == ["overridden"])
        #expect(global.spans.isEmpty)
    }
}
