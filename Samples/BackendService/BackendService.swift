// BackendService: a Hummingbird service with the seed's backend metrics on /metrics and its spans in a trace log.
//
// Run: swift run BackendService [--port 8000] [--host 127.0.0.1] [--log backend.tklog] [--requests N]
// Then: curl http://127.0.0.1:8000/metrics; tracekit serve backend.tklog derives the same backend_* series.
// With --requests N it sends itself N requests, prints the metrics and exits (a self-contained demo).

import Hummingbird
import Instrumentation
import Logging
import Metrics
import ServiceLifecycle
import TraceKit
import TraceKitBridges
import TraceKitHTTP
import TraceLog
import TraceMetrics
import Tracing

@main
struct BackendService {
    static func main() async throws {
        let options = try SampleOptions(CommandLine.arguments.dropFirst())
        let registry = MetricsRegistry()
        let resource = Resource(serviceName: "backend")
        let logWriter = try LogWriter(path: options.logPath, resource: resource)
        let recorder = try TraceSystem.bootstrap(TraceConfiguration(resource: resource, sinks: [logWriter]))
        logWriter.useIdentifiers(of: recorder)
        // Hummingbird's MetricsMiddleware and TracingMiddleware, and any swift-metrics / swift-distributed-tracing
        // library, now record into TraceKit.
        MetricsSystem.bootstrap(TraceKitMetricsFactory(registry: registry, naming: .hummingbird(prefix: "backend")))
        InstrumentationSystem.bootstrap(TraceKitTracer())

        let apps = AppStore()
        let router = Router()
        router.addServerInstrumentation()
        router.addMetricsRoute(MetricsEndpoint(registry: registry))
        apps.addRoutes(to: router)

        let port = PortAnnouncement()
        let logger = Logger(label: "backend", factory: { _ in SwiftLogNoOpLogHandler() })
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "backend"),
            onServerRunning: { channel in port.announce(channel.localAddress?.port) },
            logger: logger
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: application), .init(service: TraceRecorderService(recorder)),
        ]
        if let count = options.selfRequests {
            services.append(
                .init(
                    service: SelfTraffic(port: port, count: count, host: options.host),
                    successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        if options.selfRequests != nil {
            print(registry.exposition(.prometheusText), terminator: "")
        }
        print("spans written to \(options.logPath)")
    }
}
