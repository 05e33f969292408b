// RunningServer: runs a MetricsServer (or any Hummingbird application) on a free loopback port for one test.

import Foundation
import Hummingbird
import Logging
import Testing
import TraceKitHTTP
import TraceMetrics

struct ServerDidNotStart: Error {}

/// Runs `server` in a child task, hands its port to `body`, then cancels it.
func withRunningServer<R: Sendable>(
    _ server: MetricsServer, _ body: @Sendable (Int) async throws -> R
) async throws -> R {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        guard let port = await server.listeningPort() else { throw ServerDidNotStart() }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Runs a metrics server for `registry` on a free port with test-friendly limits.
func withMetricsServer<R: Sendable>(
    _ registry: MetricsRegistry,
    configure: (inout MetricsServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (Int) async throws -> R
) async throws -> R {
    var configuration = MetricsServerConfiguration(port: 0)
    configure(&configuration)
    return try await withRunningServer(MetricsServer(registry: registry, configuration: configuration), body)
}

/// Runs a Hummingbird application on a free port (its configuration must say port 0), hands the port to `body`.
func withRunningApplication<R: Sendable>(
    router: Router<BasicRequestContext>, _ body: @Sendable (Int) async throws -> R
) async throws -> R {
    let port = PortBox()
    let application = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in port.set(channel.localAddress?.port) },
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        var waited = 0
        while port.get() == nil && waited < 10_000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 10
        }
        guard let bound = port.get() else { throw ServerDidNotStart() }
        do {
            let result = try await body(bound)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

// @unchecked Sendable: `port` is only touched under `lock`.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int?) { lock.withLock { port = value } }
    func get() -> Int? { lock.withLock { port } }
}
