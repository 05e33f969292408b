// DemoCommand: `tracekit demo`, the main job: trace a workload to a log, replay it, print metrics and a summary.

import ArgumentParser
import Foundation
import TraceAnalysis
import TraceKit
import TraceLog

/// `tracekit demo [--output PATH] [--spans N | --traces N] [--concurrency N] [--seed N] [--sampling-ratio R]`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Trace a demo workload to a log, replay the log and print the derived metrics and a summary.",
        discussion: """
            The workload is modelled on an agent system's four layers: UI tool executions, backend HTTP \
            requests (server spans with route, method and status code), AI-service operations \
            (ui_generation, chat, llm_call, cache lookups; some fail) and kernel syscalls through spanSyscall \
            (open, read, write, close; some refused by the permission check). Spans go through TraceSystem \
            to a LogWriter; the log is then closed, read back, and the metrics are derived from the replay.
            An existing TraceKit log at --output is replaced; any other existing file is left alone. \
            --seed picks another workload of the same shape (every random choice changes; the default, 0, is the \
            workload of earlier versions), so two runs with different seeds are two samples of one workload. \
            --sampling-ratio keeps that fraction of traces (head sampling); the derived counts are then estimates \
            of the unsampled counts (each kept span counts as 1/R spans): with --traces, a sampled and an unsampled \
            run with the same seed run the very same traces, so their derived counts can be compared. \
            A progress bar is drawn on stderr when it is a terminal and --spans is at least 10000 (--progress).
            """
    )

    @Option(name: .shortAndLong, help: "Where to write the trace log.")
    var output = "tracekit-demo.tklog"

    @Option(parsing: .unconditional, help: "About how many spans to write (whole traces, so a few more).")
    var spans = 2_000

    @Option(parsing: .unconditional, help: "How many traces run at once.")
    var concurrency = 16

    @Option(parsing: .unconditional, help: "Run exactly this many traces (instead of about --spans spans).")
    var traces: Int?

    @Option(help: "Seeds the workload's random choices; another seed gives another sample of the same workload.")
    var seed: UInt64 = 0

    @Option(help: "Keep this fraction of traces (head sampling, 0 < R <= 1); derived counts become estimates.")
    var samplingRatio: Double = 1

    @Option(
        help: ArgumentHelp(
            """
            Plants a slowdown to test `tracekit diff` with: the simulated work inside spans NAME takes FACTOR times \
            as long (NAME is cache_lookup, llm_call or render_spec; FACTOR > 0, e.g. 1.1).
            """,
            valueName: "NAME=FACTOR"))
    var slow: DemoSlowdown?

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if spans < 1 || spans > 10_000_000 {
            throw ValidationError("--spans must be between 1 and 10000000, got \(spans).")
        }
        if concurrency < 1 || concurrency > 1_000 {
            throw ValidationError("--concurrency must be 1...1000, got \(concurrency).")
        }
        if let traces, traces < 1 || traces > 10_000_000 {
            throw ValidationError("--traces must be between 1 and 10000000, got \(traces).")
        }
        if !(samplingRatio > 0 && samplingRatio <= 1) {
            throw ValidationError("--sampling-ratio must be above 0 and at most 1 (for example 0.1).")
        }
    }

    func run() async throws {
        do {
            try await execute()
        } catch {
            StandardError.write("tracekit: error: \(error)\n")
            throw ExitCode(ExitStatus.inputError)
        }
    }

    private func execute() async throws(CLIError) {
        try replaceOldLog()
        let started = ContinuousClock.now
        let counter = SpanCounter()
        // The same analyzer type runs live here and over the replayed log below: their outputs must agree.
        let live = try DerivedMetrics.analyzer(createdUnixSeconds: 0, path: output)
        let recorder: TraceRecorder
        do {
            let configuration = try TraceConfiguration(
                service: "agentos-demo", log: .file(output), sinks: [counter, live],
                sampler: samplingRatio < 1 ? .ratio(samplingRatio) : .always)
            recorder = try TraceSystem.bootstrap(configuration)
        } catch let error as TraceLogError {
            throw .cannotWrite(path: output, reason: "\(error)")
        } catch {
            throw .demoFailed(path: output, reason: "\(error)")
        }
        await DemoProgress.show(counter, target: spans, mode: progressOption.progress) { await runWorkload(counter) }
        recorder.shutdown()
        let writer = recorder.configuration.logWriters.first
        if let failure = writer?.lastError { throw .cannotWrite(path: output, reason: "\(failure)") }
        let written = counter.count
        let elapsed = ContinuousClock.now - started

        var collector = SpanStatisticsCollector()
        let replayed = try DerivedMetrics.analyzer(createdUnixSeconds: 0, path: output)
        let replay = LogInput.read(
            LogSources([output]), progress: progressOption.progress, label: "replaying ", preparingFor: replayed
        ) { span in
            collector.add(span)
            replayed.consumePrepared(span)
        }
        _ = try replay.finish()
        guard let file = replay.files.first else { throw .cannotRead(path: output, reason: "the log was not read") }
        let exposition = replayed.registry.exposition(.prometheusText)
        let matchesLive = exposition == live.registry.exposition(.prometheusText)

        StandardOutput.write("# Metrics derived from the replayed log (Prometheus text format 0.0.4)\n")
        if samplingRatio < 1 {
            StandardOutput.write(
                "# Head sampling kept about \(samplingRatio * 100)% of traces: each kept span counts as "
                    + "\(String(format: "%g", 1 / samplingRatio)) spans, so the counts below are estimates\n")
        }
        StandardOutput.write(exposition + "\n")
        StandardOutput.write(
            DemoSummary.lines(
                written: written, file: file, elapsed: elapsed, collector: collector, matchesLive: matchesLive)
                + "\n")
    }

    /// Runs traces, `concurrency` at a time, until `traces` traces ran, or else about `spans` spans finished.
    private func runWorkload(_ counter: SpanCounter) async {
        let (target, traceLimit) = (spans, traces ?? Int.max)
        let (seed, slowdown) = (seed, slow)
        await withTaskGroup(of: Void.self) { group in
            var started = 0
            for _ in 0..<min(concurrency, traceLimit) {
                group.addTask { [started] in await DemoWorkload(index: started, seed: seed, slowdown: slowdown).run() }
                started += 1
            }
            while await group.next() != nil {
                if started < traceLimit, traces != nil || counter.count < target {
                    group.addTask { [started] in
                        await DemoWorkload(index: started, seed: seed, slowdown: slowdown).run()
                    }
                    started += 1
                }
            }
        }
    }

    /// Removes a TraceKit log left at `output` by an earlier run (a writer would append to it).
    private func replaceOldLog() throws(CLIError) {
        guard FileManager.default.fileExists(atPath: output) else { return }
        let existing = LogSources([output]).files.first
        guard let existing, !existing.isStream, LogInput.firstHeader(output) != nil else {
            throw .cannotWrite(
                path: output, reason: "the file exists and is not a TraceKit log; choose another --output")
        }
        do {
            try FileManager.default.removeItem(atPath: output)
        } catch {
            throw .cannotWrite(path: output, reason: (error as NSError).localizedDescription)
        }
    }
}
