// NestedSpans: records a small request's nested spans (sync, async, syscalls, an error) and prints the tree.
//
// Run: swift run NestedSpans

import TraceKit
import TraceKitTesting

#if canImport(Glibc)
    import Glibc
#endif

struct ModelTimeout: Error, CustomStringConvertible {
    var description: String { "model did not answer within 2 s" }
}

/// A stand-in for a file read: a real `read(2)` of /proc/self/stat inside a syscall span.
func readProcessStat(pid: Int32) throws(SyscallError) -> Int {
    try spanSyscall("read", pid: pid) { () throws(SyscallError) -> Int in
        let fd = try SyscallError.check(open("/proc/self/stat", O_RDONLY), "open")
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        return try SyscallError.check(read(fd, &buffer, buffer.count), "read")
    }
}

func generateUI(message: String, attempt: Int) async throws -> String {
    try await traceOperation(
        "ui_generation", ["message": .string(String(message.prefix(50))), "attempt": .integer(attempt)]
    ) {
        span in
        let context = try traceOperation("load_context") {
            _ = try readProcessStat(pid: getpid())
            return "context"
        }
        async let tokens = traceOperation("llm_call", ["model": "small"], kind: .client) {
            try await Task.sleep(for: .milliseconds(3))
            return 128
        }
        async let cached = traceOperation("cache_lookup") { () async -> Bool in
            await Task.yield()
            return false
        }
        let (count, hit) = try await (tokens, cached)
        span.setAttribute("tokens", .integer(count))
        span.addEvent("rendered", ["cache_hit": .bool(hit)])
        if attempt == 1 { throw ModelTimeout() }
        return "\(context):\(count)"
    }
}

let collector = InMemorySpanSink()
try TraceSystem.bootstrap(TraceConfiguration(service: "nested-spans-sample", sinks: [collector]))

await traceOperation("handle_request", ["http.route": "/generate"], kind: .server) {
    for attempt in 1...2 {
        do {
            _ = try await generateUI(message: "Show me a dashboard of the kernel's syscalls", attempt: attempt)
        } catch {
            print("attempt \(attempt) failed: \(error)")
        }
    }
    // A denied call, as the kernel layer sees one.
    _ = try? spanSyscall("mount", pid: 1) { () throws(SyscallError) -> Int in
        throw SyscallError(syscall: "mount", errno: EPERM)
    }
}

/// Prints spans as an indented tree, children in start order.
func printTree(_ spans: [SpanRecord]) {
    let children = Dictionary(grouping: spans, by: { $0.parentSpanID })
    func visit(_ span: SpanRecord, depth: Int) {
        let indent = String(repeating: "  ", count: depth)
        let milliseconds = Double(span.durationNanoseconds) / 1e6
        let status = span.status.isError ? "  ERROR" : ""
        let attributes = span.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print("\(indent)\(span.name)  \((milliseconds * 1000).rounded() / 1000) ms\(status)  \(attributes)")
        for event in span.events {
            print(
                "\(indent)  * \(event.name) \(event.attributes.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        for child in (children[span.spanID] ?? []).sorted(by: { $0.startUnixNanoseconds < $1.startUnixNanoseconds }) {
            visit(child, depth: depth + 1)
        }
    }
    for root in children[nil] ?? [] {
        print("trace \(root.traceID)")
        visit(root, depth: 1)
    }
}

printTree(collector.spans)
print("\(collector.spans.count) spans recorded")
