// Clocks: the monotonic clock that times spans and the wall clock that dates them.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads CLOCK_MONOTONIC directly: durations must not jump when the wall clock is adjusted. The one monotonic
/// clock of the package (the log writer, the exporters and the exit hook read it too).
@usableFromInline
package enum MonotonicClock {
    @inlinable
    package static func nowNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}

/// Reads CLOCK_REALTIME, for the Unix-epoch start times of spans (and the times a log records).
@usableFromInline
package enum WallClock {
    @inlinable
    package static func nowUnixNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}

extension Duration {
    /// The duration in whole nanoseconds; 0 for a negative duration, `UInt64.max` when it does not fit.
    package var wholeNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, carry) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return carry ? .max : total
    }
}
