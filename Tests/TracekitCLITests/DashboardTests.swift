// DashboardTests: every query of the sample Grafana dashboard names a metric TraceKit exposes, one unit per panel.

import Foundation
import Testing

@Suite struct DashboardTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// What a query measures, told from its shape: a quantile of a `_seconds` histogram, a ratio, or a rate.
    enum Kind: String {
        case duration, ratio, rate
    }

    /// The kind a Grafana unit displays; `nil` for a unit this dashboard should not use.
    static func kind(ofUnit unit: String) -> Kind? {
        switch unit {
        case "s", "ms", "µs", "ns": .duration
        case "percentunit": .ratio
        case "reqps", "ops", "cps": .rate
        default: nil
        }
    }

    static func kind(ofQuery expression: String) -> Kind? {
        if expression.contains("histogram_quantile(") { return .duration }
        if expression.contains(" / ") { return .ratio }
        if expression.contains("rate(") || expression.contains("increase(") { return .rate }
        return nil
    }

    /// The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names
    /// (inside braces or after by/without), durations or strings.
    static func metricNames(in expression: String) -> Set<String> {
        // Aggregations may be followed by `by (...)` instead of their argument, so they are listed too.
        let keywords: Set<String> = [
            "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile",
        ]
        var names = Set<String>()
        let characters = Array(expression)
        var index = 0
        var skipGrouping = false
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "_" || c == ":" }
        func isNamePart(_ c: Character) -> Bool { isNameStart(c) || c.isNumber }
        while index < characters.count {
            let character = characters[index]
            if character == "\"" || character == "'" {  // a string: skip to its closing quote
                index += 1
                while index < characters.count, characters[index] != character {
                    index += characters[index] == "\\" ? 2 : 1
                }
                index += 1
            } else if character == "{" || character == "[" || (character == "(" && skipGrouping) {
                let closing: Character = character == "{" ? "}" : (character == "[" ? "]" : ")")
                while index < characters.count, characters[index] != closing { index += 1 }
                index += 1
                skipGrouping = false
            } else if isNameStart(character) {
                var end = index
                while end < characters.count, isNamePart(characters[end]) { end += 1 }
                let word = String(characters[index..<end])
                var next = end
                while next < characters.count, characters[next] == " " { next += 1 }
                if word == "by" || word == "without" {
                    skipGrouping = true
                } else if !keywords.contains(word), next >= characters.count || characters[next] != "(" {
                    names.insert(word)
                }
                index = end
            } else {
                index += 1
            }
        }
        return names
    }

    /// The names in the first column of Docs/Metrics.md's "TraceKit's own metrics" table.
    static func documentedSelfMetrics() throws -> Set<String> {
        let text = try String(
            contentsOf: repository.appendingPathComponent("Docs/Metrics.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## TraceKit's own metrics").dropFirst().first)
        let table = section.components(separatedBy: "\n\n").dropFirst().first ?? ""
        var names = Set<String>()
        for row in table.split(separator: "\n") where row.hasPrefix("| `") {
            let firstCell = row.split(separator: "|").first ?? ""
            for (offset, part) in firstCell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            where offset % 2 == 1 {
                names.insert(String(part))
            }
        }
        return names
    }

    @Test func metricNamesAreTheIdentifiersThatAreNeitherFunctionsNorLabels() {
        #expect(
            Self.metricNames(
                in: #"sum by (path) (rate(a_total{status=~"5.."}[5m])) / sum by (path) (rate(b_total[5m]))"#)
                == ["a_total", "b_total"])
        #expect(
            Self.metricNames(in: "histogram_quantile(0.95, sum by (le, x) (rate(c_seconds_bucket[5m])))")
                == ["c_seconds_bucket"])
    }

    @Test func everyPanelReadsExposedMetricsInOneUnit() throws {
        let directory = try TemporaryDirectory()
        let demo = try CLIProcess.tracekit(["demo", "--output", directory.file("demo.tklog"), "--spans", "2000"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let exposed = Set(
            demo.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
                line.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init)
            })
        let documented = try Self.documentedSelfMetrics()
        #expect(documented.contains("tracekit_spans_dropped_total"))
        #expect(exposed.contains("kernel_syscall_duration_seconds_bucket"))

        let data = try Data(
            contentsOf: Self.repository.appendingPathComponent("Samples/Prometheus/grafana-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 10)
        #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count, "panel ids repeat")
        var read = Set<String>()
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            let fieldConfig = try #require(panel["fieldConfig"] as? [String: Any], "\(title): no fieldConfig")
            let defaults = try #require(fieldConfig["defaults"] as? [String: Any], "\(title): no defaults")
            let unit = try #require(defaults["unit"] as? String, "\(title): no unit")
            let unitKind = try #require(Self.kind(ofUnit: unit), "\(title): unit \(unit) is not one this test knows")
            // An override could put a second unit on its own axis; this dashboard keeps one unit per panel.
            let overrides = fieldConfig["overrides"] as? [Any] ?? []
            #expect(overrides.isEmpty, "\(title): overrides")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(title): no targets")
            #expect(!targets.isEmpty, "\(title): no queries")
            for target in targets {
                let expression = try #require(target["expr"] as? String)
                #expect(Self.kind(ofQuery: expression) == unitKind, "\(title): \(expression) is not \(unit)")
                let names = Self.metricNames(in: expression)
                #expect(!names.isEmpty, "\(title): \(expression) reads no metric")
                for name in names {
                    #expect(
                        exposed.contains(name) || documented.contains(name),
                        "\(title): \(name) is neither in the demo's derived metrics nor a documented self-metric")
                    read.insert(name)
                }
            }
        }
        // The panels the dashboard is for.
        for family in [
            "ai_llm_call_duration_seconds_bucket", "ai_llm_calls_total", "ai_cache_hits_total", "ai_cache_misses_total",
            "tracekit_spans_dropped_total", "kernel_syscall_duration_seconds_bucket", "ai_ui_duration_seconds_bucket",
        ] {
            #expect(read.contains(family), "no panel reads \(family)")
        }
    }
}
