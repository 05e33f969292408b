// TraceSystem: the process-wide recorder, installed once, and a task-local override for tests.

import Synchronization

/// The process-wide entry point: install the recorder once at start-up; override it per task in tests.
///
/// With nothing bootstrapped, `traceOperation` and `spanSyscall` just run their body (one atomic load).
///
/// ```swift
/// try TraceSystem.bootstrap(TraceConfiguration(service: "agent-kernel", sinks: [logWriter]))
/// ```
public enum TraceSystem {
    /// The bootstrapped recorder as the bits of an unmanaged, intentionally never released reference; 0 = none.
    @usableFromInline static let bootstrapped = Atomic<UInt>(0)
    /// How many `withRecorder` scopes are running anywhere; while 0 nobody pays for the task-local lookup.
    @usableFromInline static let overrideScopes = Atomic<Int>(0)
    @usableFromInline static let overrideRecorder = TaskLocal<TraceRecorder?>(wrappedValue: nil)

    /// Installs a recorder made from `configuration` for the whole process. Call it once, at start-up.
    ///
    /// Spans recorded before the process exits normally (returning from `main`, or `exit`) reach the sinks even
    /// without `shutdown()`: an exit hook shuts the recorder down, waiting at most
    /// `configuration.shutdownTimeoutAtExit`. A killed process gets no such chance: services shut down on
    /// SIGTERM (swift-service-lifecycle's `ServiceGroup` with a `TraceRecorderService`).
    ///
    /// - Throws: `TraceSystemError.alreadyBootstrapped` while another recorder is installed; that one stays in
    ///   place. (A log writer of `configuration` that never received a span creates no file.)
    @discardableResult
    public static func bootstrap(_ configuration: TraceConfiguration) throws(TraceSystemError) -> TraceRecorder {
        if let existing = recorderFromBits(bootstrapped.load(ordering: .acquiring)) {
            throw TraceSystemError.alreadyBootstrapped(service: existing.resource.serviceName)
        }
        let recorder = TraceRecorder(configuration)
        try bootstrap(recorder)
        return recorder
    }

    /// Installs `recorder` for the whole process. Call it once, at start-up (again only after `shutdown()`).
    ///
    /// - Throws: `TraceSystemError.alreadyBootstrapped` while another recorder is installed; that one stays in
    ///   place. `TraceSystemError.shutDown` when `recorder` was shut down already.
    public static func bootstrap(_ recorder: TraceRecorder) throws(TraceSystemError) {
        guard !recorder.isShutdown else { throw TraceSystemError.shutDown(service: recorder.resource.serviceName) }
        // Threads may still hold the recorder unretained after it is uninstalled (a span in flight): the retain
        // taken here is never balanced, so every bootstrapped recorder lives as long as the process.
        let bits = UInt(bitPattern: Unmanaged.passRetained(recorder).toOpaque())
        let (exchanged, original) = bootstrapped.compareExchange(
            expected: 0,
            desired: bits,
            ordering: .acquiringAndReleasing
        )
        guard exchanged else {
            if let pointer = UnsafeRawPointer(bitPattern: bits) {
                Unmanaged<TraceRecorder>.fromOpaque(pointer).release()
            }
            let existing = recorderFromBits(original)
            throw TraceSystemError.alreadyBootstrapped(service: existing?.resource.serviceName ?? "")
        }
        ExitHook.install()
    }

    /// Shuts the bootstrapped recorder down (its sinks flush and close: a log gets its last block and the
    /// end-of-file marker) and uninstalls it; `bootstrap` may then install another. Does nothing when none is
    /// installed.
    ///
    /// ```swift
    /// try TraceSystem.bootstrap(TraceConfiguration(service: "tool", log: .file("tool.tklog")))
    /// defer { TraceSystem.shutdown() }
    /// ```
    public static func shutdown() {
        recorderFromBits(bootstrapped.load(ordering: .acquiring))?.shutdown()
    }

    /// Uninstalls `recorder` if it is the bootstrapped one (its `shutdown()` calls this).
    static func uninstall(_ recorder: TraceRecorder) {
        let bits = UInt(bitPattern: Unmanaged.passUnretained(recorder).toOpaque())
        _ = bootstrapped.compareExchange(expected: bits, desired: 0, ordering: .acquiringAndReleasing)
    }

    /// The exit hook's work: shut the bootstrapped recorder down, waiting at most its configured time.
    static func shutdownAtExit() {
        guard let recorder = recorderFromBits(bootstrapped.load(ordering: .acquiring)),
            let timeout = recorder.configuration.shutdownTimeoutAtExit
        else { return }
        ExitHook.run(within: timeout) { recorder.shutdown() }
    }

    /// The recorder spans in the current task go to: a `withRecorder` override, else the bootstrapped one.
    public static var recorder: TraceRecorder? { active }

    @inlinable
    static var active: TraceRecorder? {
        if overrideScopes.load(ordering: .relaxed) != 0, let recorder = overrideRecorder.get() {
            return recorder
        }
        return recorderFromBits(bootstrapped.load(ordering: .acquiring))
    }

    @inlinable
    static func recorderFromBits(_ bits: UInt) -> TraceRecorder? {
        guard let pointer = UnsafeRawPointer(bitPattern: bits) else { return nil }
        return Unmanaged<TraceRecorder>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs `body` with `recorder` receiving the spans of this task and its child tasks; for tests.
    ///
    /// ```swift
    /// let collector = InMemorySpanSink()
    /// TraceSystem.withRecorder(TraceRecorder(TraceConfiguration(service: "t", sinks: [collector]))) {
    ///     traceOperation("step") { }
    /// }
    /// ```
    @discardableResult
    public static func withRecorder<R, E: Error>(
        _ recorder: TraceRecorder,
        _ body: () throws(E) -> R
    ) throws(E) -> R {
        overrideScopes.add(1, ordering: .relaxed)
        defer { overrideScopes.subtract(1, ordering: .relaxed) }
        let result: Result<R, E> = overrideRecorder.withValue(recorder) {
            Result { () throws(E) -> R in try body() }
        }
        return try result.get()
    }

    /// Runs the async `body` with `recorder` receiving the spans of this task and its child tasks; for tests.
    @discardableResult
    public static func withRecorder<R, E: Error>(
        _ recorder: TraceRecorder,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> R
    ) async throws(E) -> R {
        overrideScopes.add(1, ordering: .relaxed)
        defer { overrideScopes.subtract(1, ordering: .relaxed) }
        let result: Result<R, E> = await overrideRecorder.withValue(
            recorder,
            operation: { () async -> Result<R, E> in
                do throws(E) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            },
            isolation: isolation
        )
        return try result.get()
    }
}

/// Errors from `TraceSystem`.
public enum TraceSystemError: Error, Hashable, CustomStringConvertible {
    /// `bootstrap` was called when a recorder was already installed.
    case alreadyBootstrapped(service: String)
    /// `bootstrap` was given a recorder that was already shut down.
    case shutDown(service: String)

    public var description: String {
        switch self {
        case .alreadyBootstrapped(let service):
            return "TraceSystem.bootstrap called twice: a recorder for service '\(service)' is already installed; "
                + "bootstrap once at start-up (or after TraceSystem.shutdown()), and use TraceSystem.withRecorder "
                + "in tests"
        case .shutDown(let service):
            return "TraceSystem.bootstrap was given the recorder of service '\(service)' after its shutdown(); "
                + "make a new TraceRecorder"
        }
    }
}
