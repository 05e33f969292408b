// DemoWorkload: traces modelled on the seed's four layers: UI tool runs, backend HTTP, AI service, kernel syscalls.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure the simulated AI service sees now and then.
struct UpstreamError: Error, CustomStringConvertible {
    var description: String { "LLM provider timed out" }
}

/// One user interaction, traced through every layer it touches. Sleeps stand in for real work, so the
/// durations in the log look like a service's: a cache hit takes microseconds, an LLM call tens of ms.
///
/// The shapes (seeded by the run's seed and the trace index, so runs with the same seed are alike):
/// - UI generation: `tool_execution` > `POST /api/ui/generate` (server) > `ui_generation` > `cache_lookup`,
///   `llm_call` on a miss, then `open`/`write`/`close` syscalls to store the result;
/// - chat: `tool_execution` > `POST /api/chat` (server) > `chat` > `llm_call`;
/// - app listing: `GET /api/apps` (server) > `open`/`read`/`close` syscalls, some refused by the permission check.
struct DemoWorkload {
    /// The trace's index; seeds its random choices together with `seed`.
    let index: Int
    /// The run's seed (`tracekit demo --seed`); 0 gives the workload of versions without the option.
    var seed: UInt64 = 0
    /// A planted slowdown of one span name's simulated work (`tracekit demo --slow`), if any.
    var slowdown: DemoSlowdown?

    /// The spans whose duration is simulated work (a sleep) that `--slow` can stretch.
    static let simulatedWorkNames = ["cache_lookup", "llm_call", "render_spec"]

    /// The state a trace's generator starts from. Multiplying the run's seed by an odd constant maps distinct
    /// seeds to distinct, far apart offsets, so every random choice of every trace changes with the seed; seed 0
    /// keeps the states (and so the workloads) of earlier versions.
    static func generatorSeed(runSeed: UInt64, index: Int) -> UInt64 {
        0xA6E7_05 &+ UInt64(index) &* 0x9E37_79B9 &+ runSeed &* 0xD1B5_4A32_D192_ED03
    }

    func run() async {
        var random = DemoRandom(seed: Self.generatorSeed(runSeed: seed, index: index))
        let pid = 1000 + Int32(index % 8)
        let pick = Double.random(in: 0..<1, using: &random)
        if pick < 0.45 {
            let plan = GenerationPlan(&random)
            await uiTool("ui_generator") {
                try await backend("POST", "/api/ui/generate") { try await generate(plan, pid) }
            }
        } else if pick < 0.7 {
            let plan = ChatPlan(&random)
            await uiTool("chat") { try await backend("POST", "/api/chat") { try await chat(plan) } }
        } else {
            let denied = random.chance(0.1)
            _ = try? await backend("GET", "/api/apps") { try listApps(pid, denied: denied) }
        }
    }

    /// The random choices of one UI generation, drawn before any span starts.
    struct GenerationPlan {
        var cacheHit: Bool
        var llmFails: Bool
        var llmTime: Duration
        var renderTime: Duration
        var storeDenied: Bool
        var model: String

        init(_ random: inout DemoRandom) {
            cacheHit = random.chance(0.3)
            llmFails = random.chance(0.05)
            llmTime = random.milliseconds(4, 40)
            renderTime = random.milliseconds(0.2, 3)
            storeDenied = random.chance(0.04)
            model = random.chance(0.7) ? "small-model" : "large-model"
        }
    }

    /// The random choices of one chat turn.
    struct ChatPlan {
        var llmFails: Bool
        var llmTime: Duration
        var model: String

        init(_ random: inout DemoRandom) {
            llmFails = random.chance(0.03)
            llmTime = random.milliseconds(2, 25)
            model = random.chance(0.8) ? "small-model" : "large-model"
        }
    }

    // MARK: UI layer

    /// The UI runs a tool: the seed's `Timer("tool_execution", { tool })`.
    private func uiTool(_ tool: String, _ body: () async throws -> Void) async {
        await traceOperation("tool_execution", ["tool": .string(tool)]) { span in
            do {
                try await body()
                span.setAttribute("outcome", "success")
            } catch {
                span.setAttribute("outcome", "error")
                span.status = .error(message: "the backend request failed")
            }
        }
    }

    // MARK: Backend layer

    /// An HTTP request as the backend's middleware sees it: a server span with the route and status code.
    private func backend<R>(_ method: String, _ route: String, _ handler: () async throws -> R) async throws -> R {
        let attributes: TraceAttributes = ["http.request.method": .string(method), "http.route": .string(route)]
        return try await traceOperation("\(method) \(route)", attributes, kind: .server) { span in
            do {
                let result = try await handler()
                span.setAttribute("http.response.status_code", 200)
                return result
            } catch let error as SyscallError where error.isPermissionDenied {
                span.setAttribute("http.response.status_code", 403)
                throw error
            } catch {
                span.setAttribute("http.response.status_code", 502)
                span.status = .error(message: "\(error)")
                throw error
            }
        }
    }

    // MARK: AI service layer

    /// `with trace_operation("ui_generation", message=...)` in the seed's AI service.
    private func generate(_ plan: GenerationPlan, _ pid: Int32) async throws {
        try await traceOperation("ui_generation", ["action": "generate", "message": "make a todo app"]) {
            let cached = await traceOperation("cache_lookup", ["cache.name": "ui_spec"]) { span in
                try? await work("cache_lookup", .microseconds(50))
                span.setAttribute("cache.hit", .bool(plan.cacheHit))
                return plan.cacheHit
            }
            if !cached {
                try await llmCall(model: plan.model, time: plan.llmTime, fails: plan.llmFails)
            }
            try await traceOperation("render_spec") { try await work("render_spec", plan.renderTime) }
            try storeSpec(pid, denied: plan.storeDenied)
        }
    }

    /// A chat turn: the seed's `ai_chat_requests_total`.
    private func chat(_ plan: ChatPlan) async throws {
        try await traceOperation("chat") {
            try await llmCall(model: plan.model, time: plan.llmTime, fails: plan.llmFails)
        }
    }

    private func llmCall(model: String, time: Duration, fails: Bool) async throws {
        try await traceOperation("llm_call", ["model": .string(model)], kind: .client) {
            try await work("llm_call", time)
            if fails { throw UpstreamError() }
        }
    }

    /// Sleeps for the simulated work of span `name`, stretched by a planted slowdown of that name.
    private func work(_ name: String, _ duration: Duration) async throws {
        try await Task.sleep(for: slowdown?.stretch(duration, of: name) ?? duration)
    }

    // MARK: Kernel layer

    /// Stores a generated spec through the kernel: `open` (permission-checked), `write`, `close`.
    private func storeSpec(_ pid: Int32, denied: Bool) throws {
        let fd = try openChecked("/dev/null", O_WRONLY, pid, denied: denied)
        defer { _ = try? spanSyscall("close", pid: pid) { try SyscallError.check(close(fd), "close") } }
        let bytes: [UInt8] = Array(#"{"type":"app","title":"todo"}"#.utf8)
        _ = try spanSyscall("write", pid: pid) { try SyscallError.check(write(fd, bytes, bytes.count), "write") }
    }

    /// Lists apps: reads a real file through traced syscalls.
    private func listApps(_ pid: Int32, denied: Bool) throws {
        let fd = try openChecked("/proc/self/stat", O_RDONLY, pid, denied: denied)
        defer { _ = try? spanSyscall("close", pid: pid) { try SyscallError.check(close(fd), "close") } }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.count
        _ = try spanSyscall("read", pid: pid) { try SyscallError.check(read(fd, &buffer, count), "read") }
    }

    /// `open`, refused with EACCES when the simulated capability check says no (the seed kernel's
    /// `kernel_syscall_permission_denied`).
    private func openChecked(_ path: String, _ flags: Int32, _ pid: Int32, denied: Bool) throws -> Int32 {
        try spanSyscall("open", pid: pid) { () throws(SyscallError) -> Int32 in
            if denied { throw SyscallError(syscall: "open", errno: EACCES) }
            return try SyscallError.check(open(path, flags), "open")
        }
    }
}
