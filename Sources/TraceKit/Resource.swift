// Resource: what produced the spans (service, host, process), written once per log file.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entity that produced a set of spans: service name, host, process, library version.
///
/// ```swift
/// let resource = Resource(serviceName: "agent-kernel", attributes: ["deployment.environment": "prod"])
/// ```
public struct Resource: Hashable, Sendable {
    /// The logical service name (`service.name`).
    public var serviceName: String
    /// The host name (`host.name`).
    public var hostName: String
    /// The process id (`process.pid`).
    public var processID: Int64
    /// When the process (or the recorder, as the closest cheap approximation) started, Unix nanoseconds.
    public var processStartUnixNanoseconds: UInt64
    /// The TraceKit version that recorded the spans (`telemetry.sdk.version`).
    public var libraryVersion: String
    /// Any further resource attributes.
    public var attributes: TraceAttributes

    /// The TraceKit library version.
    public static let currentLibraryVersion = "0.1.0"

    /// Creates a resource; host, pid and start time default to those of the running process.
    public init(
        serviceName: String,
        hostName: String? = nil,
        processID: Int64? = nil,
        processStartUnixNanoseconds: UInt64? = nil,
        libraryVersion: String = Resource.currentLibraryVersion,
        attributes: TraceAttributes = [:]
    ) {
        self.serviceName = serviceName
        self.hostName = hostName ?? Resource.currentHostName()
        self.processID = processID ?? Int64(getpid())
        self.processStartUnixNanoseconds = processStartUnixNanoseconds ?? WallClock.nowUnixNanoseconds()
        self.libraryVersion = libraryVersion
        self.attributes = attributes
    }

    static func currentHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
