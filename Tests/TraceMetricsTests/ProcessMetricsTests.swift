// Tests that the process_* metrics read from /proc match what Python prometheus_client's ProcessCollector reports.

import Foundation
import Testing

@testable import TraceMetrics

#if os(Linux)
    @Suite struct ProcessMetricsTests {
        static let pythonNote: Comment = "python3 with prometheus-client is missing (Scripts/ensure-tools.sh)"
        static let script = PeerTools.repositoryRoot.appendingPathComponent("Scripts/interop/process_metrics.py").path
        static let families = [
            "process_cpu_seconds_total", "process_max_fds", "process_open_fds", "process_resident_memory_bytes",
            "process_start_time_seconds", "process_virtual_memory_bytes",
        ]

        /// HELP and TYPE lines and sample values of Prometheus text, by metric name.
        struct Text {
            var help: [String: String] = [:]
            var type: [String: String] = [:]
            var value: [String: Double] = [:]

            init(_ text: String) {
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ", maxSplits: 3)
                    if line.hasPrefix("# HELP "), words.count == 4 {
                        help[String(words[2])] = String(words[3])
                    } else if line.hasPrefix("# TYPE "), words.count == 4 {
                        type[String(words[2])] = String(words[3])
                    } else if !line.hasPrefix("#"), words.count == 2 {
                        value[String(words[0])] = Double(words[1])
                    }
                }
            }
        }

        /// What prometheus_client's ProcessCollector exposes for `pid`.
        static func peer(pid: Int32) throws -> Text {
            let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
            let result = try PeerTools.run(python, [script, String(pid)], input: [])
            try #require(result.status == 0, "\(result.stderr)")
            return Text(result.stdout)
        }

        @Test(
            "a quiet child's statistics equal prometheus_client's, field by field",
            .enabled(if: PeerTools.runPythonTests, pythonNote))
        func statisticsOfAChildEqualPrometheusClients() throws {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sleep")
            child.arguments = ["600"]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            defer {
                kill(child.processIdentifier, SIGKILL)
                child.waitUntilExit()
            }
            let peer = try Self.peer(pid: child.processIdentifier)
            let ours = ProcessStatistics.read(pid: String(child.processIdentifier))
            #expect(ours.cpuSeconds == peer.value["process_cpu_seconds_total"])
            #expect(ours.virtualMemoryBytes == peer.value["process_virtual_memory_bytes"])
            #expect(ours.residentMemoryBytes == peer.value["process_resident_memory_bytes"])
            #expect(ours.startTimeSeconds == peer.value["process_start_time_seconds"])
            #expect(ours.openFileDescriptors == peer.value["process_open_fds"])
            #expect(ours.maximumFileDescriptors == peer.value["process_max_fds"])
            #expect(ours.openFileDescriptors.map { $0 >= 3 } == true)  // stdin, stdout, stderr at least
        }

        @Test(
            "the exposed families have prometheus_client's names, types and help, and this process's values",
            .enabled(if: PeerTools.runPythonTests, pythonNote))
        func exposedFamiliesMatchPrometheusClientForThisProcess() throws {
            let registry = MetricsRegistry()
            try registry.exposeProcessMetrics()
            let before = Text(registry.exposition())
            let peer = try Self.peer(pid: getpid())
            let after = Text(registry.exposition())
            for family in Self.families {
                #expect(before.help[family] == peer.help[family], "\(family)")
                #expect(before.type[family] == peer.type[family], "\(family)")
            }
            #expect(Set(peer.type.keys) == Set(Self.families))
            #expect(before.value["process_start_time_seconds"] == peer.value["process_start_time_seconds"])
            #expect(before.value["process_max_fds"] == peer.value["process_max_fds"])
            // CPU time only grows: the peer read it between our two readings.
            let cpuBefore = try #require(before.value["process_cpu_seconds_total"])
            let cpuPeer = try #require(peer.value["process_cpu_seconds_total"])
            let cpuAfter = try #require(after.value["process_cpu_seconds_total"])
            #expect(cpuBefore > 0 && cpuBefore <= cpuPeer && cpuPeer <= cpuAfter, "\(cpuBefore) \(cpuPeer) \(cpuAfter)")
            // Memory and descriptors move with other tests running in this process: the same order of magnitude.
            for family in ["process_resident_memory_bytes", "process_virtual_memory_bytes", "process_open_fds"] {
                let ours = try #require(before.value[family])
                let theirs = try #require(peer.value[family])
                #expect(ours > theirs / 4 && ours < theirs * 4, "\(family): \(ours) vs \(theirs)")
            }
        }

        @Test func cpuCountersCreatedTimestampIsTheProcessStart() throws {
            let registry = MetricsRegistry(clock: .fixed(1_000))
            try registry.exposeProcessMetrics()
            let text = registry.exposition(.openMetrics)
            let start = try #require(ProcessStatistics.read().startTimeSeconds)
            let created = text.split(separator: "\n").first { $0.hasPrefix("process_cpu_seconds_created ") }
            #expect(created.flatMap { Double($0.split(separator: " ")[1]) } == start)
            #expect(text.contains("process_cpu_seconds_total "))
        }

        @Test func uptimeCountsFromTheProcessStart() throws {
            let registry = MetricsRegistry()
            try registry.exposeProcessUptime(as: "kernel_uptime_seconds", help: "Seconds since the kernel started.")
            let start = try #require(ProcessStatistics.read().startTimeSeconds)
            let before = MetricsClock.system.now()
            let text = registry.exposition()
            let after = MetricsClock.system.now()
            #expect(text.contains("# TYPE kernel_uptime_seconds gauge\n"))
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("kernel_uptime_seconds ") })
            let uptime = try #require(Double(line.split(separator: " ")[1]))
            #expect(uptime >= before - start - 0.001 && uptime <= after - start + 0.001, "\(uptime)")
        }
    }
#endif
