// OTLPRetryPolicy: how often and how patiently a failed OTLP batch is sent again.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Exponential backoff for OTLP sends: retry on connection errors, 429, 502, 503 and 504.
///
/// ```swift
/// let policy = OTLPRetryPolicy(maximumAttempts: 5, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(5))
/// ```
public struct OTLPRetryPolicy: Sendable, Equatable {
    /// Attempts per batch, the first included; a batch still failing after these is counted as failed.
    public var maximumAttempts: Int
    /// The wait before the first retry; each later wait doubles, up to ``maximumBackoff``.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maximumBackoff: Duration

    /// Creates a policy.
    public init(
        maximumAttempts: Int = 5, initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), with ±20 % jitter so clients spread out.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let doublings = min(attempt - 1, 30)
        var wait = initialBackoff * (1 << doublings)
        if wait > maximumBackoff { wait = maximumBackoff }
        return wait * Double.random(in: 0.8...1.2)
    }

    /// Sends `body` until it succeeds, fails for good, or attempts run out; `onRetry` is called before each retry.
    func send(
        _ body: [UInt8], to endpoint: HTTPEndpoint, timeoutSeconds: Int, onRetry: (OTLPExportError) -> Void = { _ in }
    ) throws(OTLPExportError) {
        var attempt = 1
        while true {
            do {
                _ = try HTTPPoster.post(
                    body, to: endpoint, contentType: "application/json", timeoutSeconds: timeoutSeconds)
                return
            } catch {
                guard error.isRetryable, attempt < maximumAttempts else { throw error }
                onRetry(error)
                Self.sleep(backoff(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Blocks the calling (export) thread.
    static func sleep(_ duration: Duration) {
        let components = duration.components
        var request = timespec(
            tv_sec: Int(components.seconds), tv_nsec: Int(components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
