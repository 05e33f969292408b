// ServeCommand: `tracekit serve`: metrics derived from trace logs on GET /metrics, for a real Prometheus to scrape.

import ArgumentParser
import Logging
import ServiceLifecycle
import TraceAnalysis
import TraceKit
import TraceKitHTTP
import TraceLog
import TraceMetrics
import TraceSync

/// `tracekit serve PATH... [--port 9464] [--host 127.0.0.1] [--follow] [--no-process-metrics]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve metrics derived from trace logs on GET /metrics (Prometheus or OpenMetrics text).",
        discussion: """
            Checks that every PATH is a TraceKit log (exit 2 otherwise, before listening), then replays the logs \
            through the span analyzer (calls, duration and self-time histograms per span name, and the seed's \
            metric families) and serves the result at http://HOST:PORT/metrics until interrupted. Until the \
            replay has reached the end of every log, /metrics and /ready answer 503, so Prometheus never sees a \
            partial count; /healthy answers 200 while the server runs. With --follow, logs that are still being \
            written are followed and the metrics grow with them. The format follows the Accept header; the body \
            is gzip-compressed when the client accepts it. The process_* metrics of this process are served too \
            unless --no-process-metrics. Binds 127.0.0.1 unless --host says otherwise.
            """
    )

    @Argument(help: "Trace log files (.tklog) or directories of them.")
    var paths: [String]

    @Option(help: "The TCP port to listen on (0 picks a free one).")
    var port = 9464

    @Option(help: "The address to bind. Use 0.0.0.0 only when other machines must scrape.")
    var host = "127.0.0.1"

    @Flag(help: "Keep reading logs that are still being written (they must exist already).")
    var follow = false

    @Flag(inversion: .prefixedNo, help: "Serve the process_* metrics (CPU, memory, descriptors) of this process.")
    var processMetrics = true

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        do {
            try await serve()
        } catch {
            StandardError.write("tracekit: error: \(error)\n")
            throw ExitCode(ExitStatus.inputError)
        }
    }

    private func serve() async throws {
        let inputs = try ServeInputs.check(paths)
        // Every series is stamped with the time the logs began, not the time this process started, so a restart
        // over the same logs leaves `_created` where it was.
        let registry = MetricsRegistry(clock: .fixed(inputs.beganUnixSeconds))
        let analyzer = try SpanAnalyzer(registry: registry)
        let feeder = LogMetricsService(
            paths: inputs.files, follow: follow, analyzer: analyzer, onDamage: DamageWarnings().report)
        var configuration = MetricsServerConfiguration(host: host, port: port)
        configuration.processMetrics = processMetrics
        let server = MetricsServer(registry: registry, configuration: configuration, readiness: feeder.readiness)
        let announcer = ListeningAnnouncer(server: server, feeder: feeder, host: host, fileCount: inputs.files.count)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    // Replaying to the end is not a reason to stop serving.
                    .init(service: feeder, successTerminationBehavior: .ignore),
                    .init(service: server),
                    .init(service: announcer, successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "tracekit.serve")
            )
        )
        do {
            try await group.run()
        } catch TraceLogError.cannotOpen(let path, let code) {
            // A log that went away (or lost its permissions) between the check and the replay.
            throw CLIError.cannotRead(path: path, reason: SystemError.message(code))
        }
    }
}

/// Prints where the metrics are served once the server listens, and when they are complete.
struct ListeningAnnouncer: Service {
    let server: MetricsServer
    let feeder: LogMetricsService
    let host: String
    let fileCount: Int

    func run() async throws {
        guard let port = await server.listeningPort() else { return }
        // Written straight to the descriptor: scripts read the port from this line, often through a pipe. A
        // server whose stdout is gone keeps serving.
        StandardOutput.writeIfPossible(
            "serving http://\(host):\(port)/metrics (\(feeder.follow ? "following" : "replaying") the logs; "
                + "503 until replayed; Ctrl-C stops)\n")
        // Stopped before the replay ended (SIGTERM, SIGINT): nothing more to say, and no error either.
        try? await cancelWhenGracefulShutdown {
            while !feeder.readiness.isReady {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        guard feeder.readiness.isReady else { return }
        StandardOutput.writeIfPossible(
            "ready: \(feeder.spansRead) spans replayed from \(fileCount) file(s); /metrics answers 200\n")
    }
}

/// Warns on stderr about the damaged regions the replay skips: the first few, then how to see them all.
final class DamageWarnings: Sendable {
    private let reported = Locked(0)
    private static let limit = 10

    func report(_ damage: LogDamage) {
        let count = reported.withLock { count in
            count += 1
            return count
        }
        if count <= Self.limit {
            StandardError.write(
                "tracekit: warning: \(damage.path): skipped a damaged region at offset \(damage.offset) "
                    + "(\(damage.length) bytes): \(damage.reason); run `tracekit verify` for details\n")
        } else if count == Self.limit + 1 {
            StandardError.write("tracekit: warning: more damaged regions skipped; not listing them\n")
        }
    }
}
