// Tests that the recorder service flushes and shuts down the sinks when the service group shuts down.

import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TraceKit
import TraceKitBridges

final class ShutdownWitnessSink: SpanSink {
    let flushes = Atomic<Int>(0)
    let shutdowns = Atomic<Int>(0)
    func consume(_ span: SpanRecord) {}
    func flush() { flushes.add(1, ordering: .relaxed) }
    func shutdown() { shutdowns.add(1, ordering: .relaxed) }
}

@Suite struct TraceRecorderServiceTests {
    @Test func gracefulShutdownShutsTheSinksDown() async throws {
        let witness = ShutdownWitnessSink()
        let recorder = TraceRecorder(TraceConfiguration(service: "t", sinks: [witness]))
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: TraceRecorderService(recorder))],
                logger: Logger(label: "test")
            )
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            #expect(witness.shutdowns.load(ordering: .relaxed) == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(witness.shutdowns.load(ordering: .relaxed) == 1)
    }
}
