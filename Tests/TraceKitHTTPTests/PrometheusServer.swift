// PrometheusServer: starts a real Prometheus on loopback that scrapes one target, and queries its HTTP API.

import Foundation

/// A `prometheus` child process with a temporary config and TSDB, scraping `127.0.0.1:<target>` every second.
final class PrometheusServer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let process = Process()
    private let directory: URL

    init(executable: String, scrapePort: Int) throws {
        guard let port = ExternalTool.freePort() else { throw Failure(description: "no free port") }
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tracekit-prom-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: tracekit
                metrics_path: /metrics
                static_configs:
                  - targets: ['127.0.0.1:\(scrapePort)']

            """
        let configFile = directory.appendingPathComponent("prometheus.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--config.file=\(configFile.path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Stops the server and removes its files.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// Runs an instant query; returns the first sample's value, or nil when the result is empty or not ready.
    func query(_ expression: String) async throws -> Double? {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = expression.addingPercentEncoding(withAllowedCharacters: allowed) ?? expression
        let response = try await RawHTTPClient.request(port: port, path: "/api/v1/query?query=\(encoded)")
        guard response.status == 200 else { return nil }
        guard let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let first = result.first, let value = first["value"] as? [Any], value.count == 2,
            let text = value[1] as? String
        else { return nil }
        return Double(text)
    }

    /// Polls `expression` until `accept` holds for its value, up to `timeout`; returns the last value seen.
    func poll(
        _ expression: String, timeout: Duration = .seconds(30), until accept: (Double) -> Bool
    ) async throws -> Double? {
        let deadline = ContinuousClock.now + timeout
        var last: Double?
        while ContinuousClock.now < deadline {
            // The API is not up for the first moments; a refused connection just means "not yet".
            if let value = try? await query(expression) {
                last = value
                if accept(value) { return value }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }
}
