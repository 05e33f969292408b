// CollectorConfigurationTests: the sample OpenTelemetry Collector configuration (Docs/Operations.md) is well formed:
// an OTLP/HTTP receiver on 4318, a batch processor, and a traces pipeline naming only components it defines.
// No Collector binary is packaged for Debian, so this checks the file's shape with PyYAML, not a running Collector.

import Foundation
import Testing

@Suite struct CollectorConfigurationTests {
    @Test func theSampleCollectorReceivesOTLPHTTPOn4318AndItsPipelineIsComplete() throws {
        guard ExternalTool.require(ExternalTool.pythonHas(["yaml"]), "python3 with PyYAML") else { return }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/OpenTelemetryCollector/collector.yaml").path
        let script = #"""
            import sys, json, yaml
            config = yaml.safe_load(open(sys.argv[1]))
            missing = []
            for name, pipeline in config["service"]["pipelines"].items():
                for section in ("receivers", "processors", "exporters"):
                    for component in pipeline.get(section, []):
                        if component not in config.get(section, {}):
                            missing.append(f"{name}.{section}.{component}")
            for extension in config["service"].get("extensions", []):
                if extension not in config.get("extensions", {}):
                    missing.append(f"extensions.{extension}")
            print(json.dumps({
                "http": config["receivers"]["otlp"]["protocols"]["http"]["endpoint"],
                "traces": config["service"]["pipelines"]["traces"],
                "missing": missing,
            }))
            """#
        let result = try ExternalTool.run("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((summary["http"] as? String)?.hasSuffix(":4318") == true)
        #expect(summary["missing"] as? [String] == [])
        let traces = try #require(summary["traces"] as? [String: [String]])
        #expect(traces["receivers"] == ["otlp"])
        #expect(traces["processors"]?.contains("batch") == true)
        #expect(traces["exporters"]?.isEmpty == false)
    }
}
