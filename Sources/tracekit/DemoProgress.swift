// DemoProgress: the demo's progress bar on stderr while its workload runs: spans finished of those asked for.

enum DemoProgress {
    /// Runs `workload` while a bar shows how many of about `target` spans `counter` has seen, redrawn ten times a
    /// second from a child task (`ProgressBar` decides whether to draw: a terminal and at least 10,000 spans in
    /// `auto` mode).
    static func show(
        _ counter: SpanCounter, target: Int, mode: ProgressMode, workload: () async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let bar = ProgressBar(total: Int64(target), unit: .spans, mode: mode, label: "tracing ")
                while !Task.isCancelled {
                    bar.update(done: Int64(counter.count))
                    try? await Task.sleep(for: .milliseconds(100))
                }
                bar.finish()
            }
            await workload()
            group.cancelAll()
        }
    }
}
