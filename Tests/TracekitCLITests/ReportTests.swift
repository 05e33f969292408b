// ReportTests: headless Chromium renders the report: a screenshot, no script errors, the charts in the DOM.

import Foundation
import Testing

@Suite struct ReportTests {
    @Test func chromiumRendersTheReportWithItsCharts() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("report.tklog")
        try LogFixture().write(to: log)
        let html = directory.file("report.html")
        let result = try CLIProcess.tracekit(["report", log, "--output", html])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)

        // Self-contained and inert: no scripts, nothing fetched, every span name escaped.
        #expect(!page.lowercased().contains("<script"))
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
        #expect(!page.contains("@import") && !page.contains("url("))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"))

        guard let chromium = CLIProcess.which("chromium") ?? CLIProcess.which("chromium-browser") else {
            _ = CLIProcess.require(false, "chromium (Debian package chromium)")
            return
        }
        let url = URL(fileURLWithPath: html).absoluteString
        let flags = Self.chromiumFlags + ["--user-data-dir=" + directory.file("chromium-profile")]
        let screenshot = directory.file("report.png")
        let shot = try CLIProcess.run(
            chromium,
            flags + ["--screenshot=\(screenshot)", "--window-size=1200,1600", url])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "a blank page compresses to a few KB; got \(png.count) bytes")
        #expect(!shot.stderr.contains("Uncaught"))

        let dump = try CLIProcess.run(chromium, flags + ["--dump-dom", url])
        #expect(dump.status == 0)
        let dom = dump.text
        #expect(!dump.stderr.contains("Uncaught") && !dump.stderr.contains("CONSOLE"), "\(dump.stderr)")
        #expect(dom.contains(#"<table id="stats""#))
        #expect(dom.contains(#"class="histogram" id="histogram-0""#))
        #expect(dom.contains(#"class="histogram" id="histogram-3""#))
        #expect(dom.contains(#"class="timeline" id="timeline-0""#))
        #expect(dom.contains(#"class="timeline" id="timeline-4""#))
        // One bar per span of the five slowest traces (3 spans each), and bars in every histogram.
        #expect(dom.components(separatedBy: #"<rect class="span"#).count - 1 == 15)
        #expect(dom.components(separatedBy: #"<rect class="bar""#).count - 1 >= 4)
    }

    @Test func aLogWithVeryManyNamesGetsACappedTableAndTheSlowestTraces() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("names.tklog")
        try LogFixture.writeInterleaved(to: log, traceCount: 600, nameCount: 520, seed: 11)
        let html = directory.file("names.html")
        let result = try CLIProcess.tracekit(["report", log, "--output", html, "--traces", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("in 600 traces, 520 span names"))
        #expect(page.contains("The 500 names with the most total time of 520"))
        let table = try #require(
            page.components(separatedBy: "<tbody>").last?.components(separatedBy: "</tbody>").first)
        #expect(table.components(separatedBy: "<tr").count - 1 == 500)
        #expect(page.components(separatedBy: #"class="histogram" id="#).count - 1 == 24)
        #expect(page.components(separatedBy: #"class="timeline" id="#).count - 1 == 3)

        // The timelines are the three slowest trees, in the order `tree` prints them.
        let tree = try CLIProcess.tracekit(["tree", log, "--slowest", "3"])
        let traceIDs = tree.text.split(separator: "\n").filter { $0.hasPrefix("trace ") }.map {
            String($0.split(separator: " ")[1])
        }
        #expect(traceIDs.count == 3)
        let positions = traceIDs.compactMap { page.range(of: "trace \($0)</span>")?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted())
    }

    static let chromiumFlags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--no-first-run",
    ]
}
