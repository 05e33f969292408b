// ServeCommand: `tracekit serve`: metrics derived from trace logs on GET /metrics, for a real Prometheus to scrape.

import ArgumentParser
import Logging
import ServiceLifecycle
import TraceAnalysis
import TraceKitHTTP
import TraceMetrics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `tracekit serve PATH... [--port 9464] [--host 127.0.0.1] [--follow]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve metrics derived from trace logs on GET /metrics (Prometheus or OpenMetrics text).",
        discussion: """
            Replays the logs through the span analyzer (calls, duration and self-time histograms per span name, \
            and the seed's metric families) and serves the result at http://HOST:PORT/metrics until interrupted. \
            With --follow, logs that are still being written are followed and the metrics grow with them. The \
            format follows the Accept header; the body is gzip-compressed when the client accepts it. Binds \
            127.0.0.1 unless --host says otherwise.
            """
    )

    @Argument(help: "Trace log files (.tklog).")
    var paths: [String]

    @Option(help: "The TCP port to listen on (0 picks a free one).")
    var port = 9464

    @Option(help: "The address to bind. Use 0.0.0.0 only when other machines must scrape.")
    var host = "127.0.0.1"

    @Flag(help: "Keep reading logs that are still being written.")
    var follow = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let registry = MetricsRegistry()
        let analyzer: SpanAnalyzer
        do {
            analyzer = try SpanAnalyzer(registry: registry)
        } catch {
            throw ValidationError("cannot set up the span analyzer: \(error)")
        }
        let logger = Logger(label: "tracekit.serve")
        let feeder = LogMetricsService(paths: paths, follow: follow, analyzer: analyzer)
        let server = MetricsServer(
            registry: registry, configuration: MetricsServerConfiguration(host: host, port: port))
        let announcer = ListeningAnnouncer(server: server, host: host, follow: follow)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    // Replaying to the end is not a reason to stop serving.
                    .init(service: feeder, successTerminationBehavior: .ignore),
                    .init(service: server),
                    .init(service: announcer, successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Prints where the metrics are served once the server listens.
struct ListeningAnnouncer: Service {
    let server: MetricsServer
    let host: String
    let follow: Bool

    func run() async throws {
        guard let port = await server.listeningPort() else { return }
        // Written straight to the descriptor: scripts read the port from this line, often through a pipe. A
        // server whose stdout is gone keeps serving.
        StandardOutput.writeIfPossible(
            "serving http://\(host):\(port)/metrics (\(follow ? "following" : "replaying") the logs; Ctrl-C stops)\n")
    }
}
