// Tests TraceKit's reading of the OTEL_* variables: precedence (code, signal-specific, general), parsing and
// warnings, and agreement with the Python OpenTelemetry SDK on the same environments.

import Foundation
import Testing
import TraceKit

@testable import TraceExport

@Suite struct OTelEnvironmentTests {
    @Test func exporterSettingsPreferCodeThenTheTracesVariableThenTheGeneralOne() {
        let environment = [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318/base/",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "",  // empty counts as unset
            "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20abc%3D%3D, api-key = k1 ,broken",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "GZIP",
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
        ]
        var warnings: [String] = []
        let fromVariables = OTLPExporterConfiguration.fromEnvironment(environment) { warnings.append($0) }
        #expect(fromVariables.endpoint == "http://general:4318/base/v1/traces")
        #expect(fromVariables.headers == ["authorization": "Bearer abc==", "api-key": "k1"])
        #expect(fromVariables.compression == OTLPCompression.none)
        #expect(fromVariables.timeout == .milliseconds(2500))
        #expect(fromVariables.protocol == .httpJSON)
        #expect(warnings == ["ignoring 'broken' in OTEL_EXPORTER_OTLP_HEADERS: use name=value,..."])

        let fromCode = OTLPExporterConfiguration.fromEnvironment(
            environment, endpoint: "http://code:1/v1/traces", protocol: .httpProtobuf,
            headers: ["API-Key": "code"], compression: .gzip, timeout: .seconds(1)
        ) { _ in }
        #expect(fromCode.endpoint == "http://code:1/v1/traces")
        #expect(fromCode.headers == ["authorization": "Bearer abc==", "api-key": "code"])
        #expect(fromCode.compression == .gzip)
        #expect(fromCode.timeout == .seconds(1))
        #expect(fromCode.protocol == .httpProtobuf)

        let specific = OTLPExporterConfiguration.fromEnvironment([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9999/custom",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "x=1",
            "OTEL_EXPORTER_OTLP_HEADERS": "y=2",
        ]) { _ in }
        #expect(specific.endpoint == "http://traces:9999/custom", "the traces endpoint is used as it is")
        #expect(specific.headers == ["x": "1"], "the traces headers replace the general ones")

        #expect(OTLPExporterConfiguration.fromEnvironment([:]) { _ in } == OTLPExporterConfiguration())
        #expect(OTLPExporterConfiguration().endpoint == "http://localhost:4318/v1/traces")
        let grpc = OTLPExporterConfiguration.fromEnvironment(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]) { _ in }
        #expect(grpc.protocol == .grpc)
        #expect(grpc.endpoint == "http://localhost:4317")
        let grpcBase = OTLPExporterConfiguration.fromEnvironment([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317",
        ]) { _ in }
        #expect(grpcBase.endpoint == "http://collector:4317", "no /v1/traces for gRPC")
    }

    @Test func valuesThatCannotBeUnderstoodAreIgnoredWithAWarning() {
        var warnings: [String] = []
        let configuration = OTLPExporterConfiguration.fromEnvironment([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/xml", "OTEL_EXPORTER_OTLP_COMPRESSION": "br",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "-5", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "10s",
        ]) { warnings.append($0) }
        #expect(configuration == OTLPExporterConfiguration())
        #expect(
            warnings == [
                "ignoring OTEL_EXPORTER_OTLP_PROTOCOL=http/xml: use http/protobuf, http/json or grpc",
                "ignoring OTEL_EXPORTER_OTLP_COMPRESSION=br: use gzip or none",
                "ignoring OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=10s: give the timeout in milliseconds, such as 10000",
            ])
        #expect(
            OTLPExporterConfiguration.fromEnvironment(["OTEL_EXPORTER_OTLP_TIMEOUT": "0"]) { _ in }.timeout == .zero,
            "0 means no limit")
    }

    @Test func serviceResourceAndSamplerComeFromTheVariablesUnlessGivenInCode() {
        let environment = [
            "OTEL_SERVICE_NAME": "checkout",
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=ignored,deployment.environment=prod,team=a%2Cb%20c, bad ,k=v=w",
            "OTEL_TRACES_SAMPLER": "ParentBased_TraceIdRatio",
            "OTEL_TRACES_SAMPLER_ARG": "0.25",
        ]
        var warnings: [String] = []
        let configuration = TraceConfiguration.fromEnvironment(environment) { warnings.append($0) }
        #expect(configuration.resource.serviceName == "checkout")
        #expect(configuration.resource.attributes == ["deployment.environment": "prod", "team": "a,b c", "k": "v=w"])
        #expect(configuration.sampler == .ratio(0.25))
        #expect(warnings == ["ignoring 'bad' in OTEL_RESOURCE_ATTRIBUTES: use key=value,..."])

        let coded = TraceConfiguration.fromEnvironment(
            environment, service: "code", resourceAttributes: ["team": "platform"], sampler: .never
        ) { _ in }
        #expect(coded.resource.serviceName == "code")
        #expect(coded.resource.attributes["team"] == "platform")
        #expect(coded.sampler == .never)

        let fromAttributes = TraceConfiguration.fromEnvironment(["OTEL_RESOURCE_ATTRIBUTES": "service.name=attr"]) {
            _ in
        }
        #expect(fromAttributes.resource.serviceName == "attr")
        #expect(fromAttributes.resource.attributes.isEmpty)
        #expect(TraceConfiguration.fromEnvironment([:]) { _ in }.resource.serviceName.hasPrefix("unknown_service:"))

        let samplers: [(String, String?, Sampler)] = [
            ("always_on", nil, .always), ("always_off", nil, .never), ("parentbased_always_off", nil, .never),
            ("traceidratio", "0.5", .ratio(0.5)), ("traceidratio", nil, .always), ("traceidratio", "2", .always),
            ("traceidratio", "half", .always), ("jaeger_remote", nil, .always), ("", "0.1", .always),
        ]
        for (name, argument, expected) in samplers {
            var variables = ["OTEL_TRACES_SAMPLER": name]
            variables["OTEL_TRACES_SAMPLER_ARG"] = argument
            #expect(
                TraceConfiguration.fromEnvironment(variables) { _ in }.sampler == expected, "\(name) \(argument ?? "")")
        }
    }

    /// Environments the Python SDK and TraceKit must read alike.
    static let scenarios: [[String: String]] = [
        ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"],
        ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/prefix/", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"],
        [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/custom/path",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none",
        ],
        [
            "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20abc%3D%3D,api-key=k%2C1,X-Tenant=t%C3%BC",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2500",
        ],
        [
            "OTEL_EXPORTER_OTLP_HEADERS": "general=1", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "specific=2",
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "750",
        ],
        [
            "OTEL_SERVICE_NAME": "checkout",
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=other,deployment.environment=prod,team=a%2Cb%20c,k=v=w",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
        ],
        ["OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attributes", "OTEL_TRACES_SAMPLER": "always_off"],
        ["OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"],
        ["OTEL_TRACES_SAMPLER": "parentbased_always_off"],
        ["OTEL_TRACES_SAMPLER": "traceidratio"],
        ["OTEL_TRACES_SAMPLER": "always_on", "OTEL_SERVICE_NAME": "svc"],
    ]

    struct Reference: Decodable {
        struct SamplerChoice: Decodable {
            var root: String
            var ratio: Double
        }
        var endpoint: String
        var headers: [String: String]
        var compression: String
        var timeout: Double
        var resource: [String: String]
        var sampler: SamplerChoice
    }

    @Test(arguments: scenarios)
    func thePythonSDKReadsTheSameEnvironmentTheSameWay(scenario: [String: String]) throws {
        guard
            ExternalTool.require(
                ExternalTool.pythonHas([
                    "opentelemetry.sdk.trace", "opentelemetry.exporter.otlp.proto.http.trace_exporter",
                ]), "python3 with opentelemetry-sdk and opentelemetry-exporter-otlp-proto-http")
        else { return }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/interop/otel_env_reference.py").path
        // Only the scenario's OTEL_* variables: a clean environment apart from what finds python3.
        let inherited = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "PYENV_ROOT"].contains($0.key) }
        let variables = (inherited.merging(scenario) { $1 }).map { "\($0.key)=\($0.value)" }
        let result = try ExternalTool.run("/usr/bin/env", ["-i"] + variables + ["python3", script])
        #expect(result.status == 0, "\(result.stderr)")
        let python = try JSONDecoder().decode(Reference.self, from: Data(result.stdout.utf8))

        let exporter = OTLPExporterConfiguration.fromEnvironment(scenario) { Issue.record("warning: \($0)") }
        let trace = TraceConfiguration.fromEnvironment(scenario) { Issue.record("warning: \($0)") }
        #expect(exporter.endpoint == python.endpoint)
        #expect(exporter.headers == python.headers)
        #expect(exporter.compression.rawValue == python.compression)
        // Known difference: the Python exporter takes OTEL_EXPORTER_OTLP_TIMEOUT as seconds (default 10), where
        // the specification (and TraceKit) read milliseconds. Both read the same number.
        let timeoutNumber = scenario["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] ?? scenario["OTEL_EXPORTER_OTLP_TIMEOUT"]
        #expect(python.timeout == Double(timeoutNumber ?? "10"))
        #expect(exporter.timeout == .milliseconds(Int64(timeoutNumber ?? "10000") ?? -1))

        var resource = python.resource
        let pythonService = resource.removeValue(forKey: "service.name") ?? ""
        if pythonService.hasPrefix("unknown_service:") {
            // Both use the specification's default, each with its own executable's name.
            #expect(trace.resource.serviceName.hasPrefix("unknown_service:"))
        } else {
            #expect(trace.resource.serviceName == pythonService)
        }
        var attributes: [String: String] = [:]
        for attribute in trace.resource.attributes {
            if case .string(let value) = attribute.value { attributes[attribute.key] = value }
        }
        #expect(attributes == resource)

        // TraceKit's sampler is always parent-based; the root decision must match.
        let expected: Sampler
        switch python.sampler.root {
        case "always_off": expected = .never
        case "traceidratio": expected = .ratio(python.sampler.ratio)
        default: expected = .always
        }
        #expect(trace.sampler == expected, "\(python.sampler)")
    }
}
