// spanSyscall: one span per system call, with the syscall name and pid, and permission denials marked.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Attribute keys TraceKit sets on syscall spans; the span analyzer derives the kernel metrics from them.
public enum SyscallAttributes {
    /// The system call's name, for example `read`.
    public static let name = "syscall.name"
    /// The process the call was made for.
    public static let pid = "process.pid"
    /// `true` when the call failed because permission was denied (EPERM, EACCES, or marked by the caller).
    public static let permissionDenied = "syscall.permission_denied"
    /// The errno of a failed call, when known.
    public static let errno = "syscall.errno"
}

/// An error from a system call that can say whether it was a permission failure.
///
/// Conform your own error types to have `spanSyscall` mark permission denials:
/// ```swift
/// extension MyKernelError: SyscallFailure {
///     var errnoCode: Int32? { nil }
///     var isPermissionDenied: Bool { self == .capabilityMissing }
/// }
/// ```
public protocol SyscallFailure: Error {
    /// The errno value, when the failure has one.
    var errnoCode: Int32? { get }
    /// Whether permission was denied. Defaults to errno being EPERM or EACCES.
    var isPermissionDenied: Bool { get }
}

extension SyscallFailure {
    public var isPermissionDenied: Bool { errnoCode == EPERM || errnoCode == EACCES }
}

/// A failed system call and its errno.
///
/// ```swift
/// let fd = try spanSyscall("open", pid: getpid()) { try SyscallError.check(open(path, O_RDONLY), "open") }
/// ```
public struct SyscallError: SyscallFailure, Hashable, CustomStringConvertible {
    /// The call that failed.
    public var syscall: String
    /// The errno it set.
    public var errno: Int32

    public init(syscall: String, errno: Int32) {
        self.syscall = syscall
        self.errno = errno
    }

    public var errnoCode: Int32? { errno }

    public var description: String {
        let message = strerror(errno).map { String(cString: $0) } ?? "unknown error"
        return "\(syscall) failed: \(message) (errno \(errno))"
    }

    /// Returns `result`, or throws the current errno when `result` is -1 (the C convention).
    public static func check<T: BinaryInteger>(_ result: T, _ syscall: String) throws(SyscallError) -> T {
        if result == -1 {
            #if canImport(Glibc) || canImport(Musl)
                throw SyscallError(syscall: syscall, errno: Glibc.errno)
            #else
                throw SyscallError(syscall: syscall, errno: Darwin.errno)
            #endif
        }
        return result
    }
}

extension ActiveSpan {
    /// Marks this span as a permission denial (status error, `syscall.permission_denied = true`), for a caller
    /// that handles the denial without throwing.
    public mutating func markPermissionDenied(_ message: String = "permission denied") {
        setAttribute(SyscallAttributes.permissionDenied, .bool(true))
        status = .error(message: message)
    }

    /// Notes a syscall failure: its errno and, for a permission failure, the permission-denied marker.
    @usableFromInline
    mutating func noteSyscallFailure(_ error: some Error) {
        guard isRecording, let failure = error as? any SyscallFailure else { return }
        if let code = failure.errnoCode { setAttribute(SyscallAttributes.errno, .int(Int64(code))) }
        if failure.isPermissionDenied { setAttribute(SyscallAttributes.permissionDenied, .bool(true)) }
    }
}

@usableFromInline
func syscallAttributes(_ name: String, _ pid: Int64) -> TraceAttributes {
    [SyscallAttributes.name: .string(name), SyscallAttributes.pid: .int(pid)]
}

/// Runs `body`, a system call, inside a span named after it with `syscall.name` and `process.pid` attributes.
///
/// A thrown `SyscallFailure` with EPERM/EACCES (or `isPermissionDenied`) is marked
/// `syscall.permission_denied = true`, from which `kernel_syscall_permission_denied` is derived.
///
/// ```swift
/// let n = try spanSyscall("read", pid: pid) { try fs.read(fd, into: &buffer) }
/// ```
@inlinable
public func spanSyscall<R, E: Error>(
    _ name: String,
    pid: some BinaryInteger,
    _ body: () throws(E) -> R
) throws(E) -> R {
    guard let recorder = TraceSystem.active else { return try body() }
    let pid = Int64(truncatingIfNeeded: pid)
    return try recorder.trace(name, { syscallAttributes(name, pid) }, .internal) {
        (span: inout ActiveSpan) throws(E) -> R in
        do throws(E) {
            return try body()
        } catch {
            span.noteSyscallFailure(error)
            throw error
        }
    }
}

/// Runs `body`, a system call, inside a span, handing it the span (for example to `markPermissionDenied()`).
@inlinable
public func spanSyscall<R, E: Error>(
    _ name: String,
    pid: some BinaryInteger,
    _ body: (inout ActiveSpan) throws(E) -> R
) throws(E) -> R {
    let pid = Int64(truncatingIfNeeded: pid)
    guard let recorder = TraceSystem.active else {
        var span = ActiveSpan(notRecording: nil, name: name)
        return try body(&span)
    }
    return try recorder.trace(name, { syscallAttributes(name, pid) }, .internal) {
        (span: inout ActiveSpan) throws(E) -> R in
        do throws(E) {
            return try body(&span)
        } catch {
            span.noteSyscallFailure(error)
            throw error
        }
    }
}

/// Runs the async `body`, a system call, inside a span named after it with `syscall.name` and `process.pid`.
@inlinable
public func spanSyscall<R, E: Error>(
    _ name: String,
    pid: some BinaryInteger,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws(E) -> R
) async throws(E) -> R {
    guard let recorder = TraceSystem.active else { return try await body() }
    let pid = Int64(truncatingIfNeeded: pid)
    return try await recorder.trace(name, { syscallAttributes(name, pid) }, .internal, isolation: isolation) {
        (span: inout ActiveSpan) async throws(E) -> R in
        do throws(E) {
            return try await body()
        } catch {
            span.noteSyscallFailure(error)
            throw error
        }
    }
}
