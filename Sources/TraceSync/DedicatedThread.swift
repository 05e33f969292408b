// DedicatedThread: starts an OS thread for blocking work (file I/O, compression, sockets), off the Swift pool.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts pthreads for work that blocks: the log writer, the read-ahead decoders, the OTLP exporter. Blocking calls
/// must never run on the Swift concurrency cooperative pool, which has one thread per core.
package enum DedicatedThread {
    /// Starts a joinable thread running `body`; the thread's handle, or the `pthread_create` error number.
    package static func start(_ body: @escaping @Sendable () -> Void) -> Result<pthread_t, ThreadStartError> {
        let box = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        let status = pthread_create(
            &handle, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard status == 0 else {
            box.release()
            return .failure(ThreadStartError(errno: status))
        }
        return .success(handle)
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// `pthread_create` failed with this error number.
package struct ThreadStartError: Error {
    package var errno: Int32
}
