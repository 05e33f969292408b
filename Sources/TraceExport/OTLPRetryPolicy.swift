// OTLPRetryPolicy: how often and how patiently a failed OTLP batch is sent again.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Exponential backoff for OTLP sends: retry on connection errors, 429, 502, 503 and 504, never on other answers.
///
/// When the receiver sends `Retry-After` (seconds or an HTTP-date) the next attempt waits at least that long; a
/// request to wait longer than ``maximumRetryAfter`` fails the batch at once instead of stalling the exporter.
///
/// ```swift
/// let policy = OTLPRetryPolicy(maximumAttempts: 5, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(5))
/// ```
public struct OTLPRetryPolicy: Sendable, Equatable {
    /// Attempts per batch, the first included; a batch still failing after these is counted as failed.
    public var maximumAttempts: Int
    /// The wait before the first retry; each later wait doubles, up to ``maximumBackoff``.
    public var initialBackoff: Duration
    /// The longest wait between attempts that the backoff chooses (a `Retry-After` may ask for longer).
    public var maximumBackoff: Duration
    /// The longest `Retry-After` honoured; a receiver asking for a longer wait fails the batch.
    public var maximumRetryAfter: Duration

    /// Creates a policy.
    public init(
        maximumAttempts: Int = 5, initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5),
        maximumRetryAfter: Duration = .seconds(60)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1), with ±20 % jitter so clients spread out.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let doublings = min(attempt - 1, 30)
        var wait = initialBackoff * (1 << doublings)
        if wait > maximumBackoff { wait = maximumBackoff }
        return wait * Double.random(in: 0.8...1.2)
    }

    /// The wait before the attempt after `attempt` failed with `error`: the backoff, or the receiver's
    /// `Retry-After` when that is longer; `nil` when the batch must fail now (not retryable, attempts used up, or a
    /// `Retry-After` beyond ``maximumRetryAfter``).
    func wait(afterAttempt attempt: Int, failure error: OTLPExportError) -> Duration? {
        guard error.isRetryable, attempt < maximumAttempts else { return nil }
        let backoff = backoff(afterAttempt: attempt)
        guard let retryAfter = error.retryAfter else { return backoff }
        guard retryAfter <= maximumRetryAfter else { return nil }
        return max(backoff, retryAfter)
    }

    /// Runs `attempt` until it succeeds, fails for good, or attempts run out; `onRetry` is called before each wait.
    func run<Result>(
        _ attempt: () throws(OTLPExportError) -> Result, onRetry: (OTLPExportError) -> Void = { _ in },
        sleep: (Duration) -> Void = OTLPRetryPolicy.sleep
    ) throws(OTLPExportError) -> Result {
        var number = 1
        while true {
            do {
                return try attempt()
            } catch {
                guard let wait = wait(afterAttempt: number, failure: error) else { throw error }
                onRetry(error)
                sleep(wait)
                number += 1
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
