// Clocks: the monotonic clock that times spans and the wall clock that dates them.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads CLOCK_MONOTONIC directly: durations must not jump when the wall clock is adjusted.
@usableFromInline
enum MonotonicClock {
    @inlinable
    static func nowNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}

/// Reads CLOCK_REALTIME, for the Unix-epoch start times of spans.
@usableFromInline
enum WallClock {
    @inlinable
    static func nowUnixNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}
