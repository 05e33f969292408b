// Tests that spanSyscall names spans after the call, carries the pid and marks permission denials.

import Testing
import TraceKit
import TraceKitTesting

#if canImport(Glibc)
    import Glibc
#endif

struct CapabilityMissing: SyscallFailure {
    var errnoCode: Int32? { nil }
    var isPermissionDenied: Bool { true }
}

@Suite struct SyscallSpanTests {
    @Test func syscallSpanCarriesNameAndPid() throws {
        let collector = InMemorySpanSink()
        let bytes = TraceSystem.withRecorder(.inMemory(collector)) {
            spanSyscall("read", pid: Int32(4242)) { 128 }
        }
        #expect(bytes == 128)
        let span = try #require(collector.spans.first)
        #expect(span.name == "read")
        #expect(span.attributes[SyscallAttributes.name] == .string("read"))
        #expect(span.attributes[SyscallAttributes.pid] == .int(4242))
        #expect(span.attributes[SyscallAttributes.permissionDenied] == nil)
        #expect(span.status == .unset)
    }

    @Test func permissionFailuresAreMarked() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            #expect(throws: SyscallError.self) {
                try spanSyscall("open", pid: 1) { () throws(SyscallError) -> Int32 in
                    throw SyscallError(syscall: "open", errno: EACCES)
                }
            }
            #expect(throws: CapabilityMissing.self) {
                try spanSyscall("kill", pid: 1) { throw CapabilityMissing() }
            }
            spanSyscall("mount", pid: 1) { span in span.markPermissionDenied() }
            #expect(throws: SyscallError.self) {
                try spanSyscall("read", pid: 1) { throw SyscallError(syscall: "read", errno: EIO) }
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: collector.spans.map { ($0.name, $0) })
        for name in ["open", "kill", "mount"] {
            #expect(byName[name]?.attributes[SyscallAttributes.permissionDenied] == .bool(true), "\(name)")
            #expect(byName[name]?.status.isError == true)
        }
        #expect(byName["open"]?.attributes[SyscallAttributes.errno] == .int(Int64(EACCES)))
        #expect(byName["read"]?.attributes[SyscallAttributes.permissionDenied] == nil)
        #expect(byName["read"]?.attributes[SyscallAttributes.errno] == .int(Int64(EIO)))
    }

    @Test func checkTurnsMinusOneIntoTheErrno() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            do throws(SyscallError) {
                _ = try spanSyscall("open", pid: getpid()) { () throws(SyscallError) -> Int32 in
                    try SyscallError.check(open("/nonexistent/tracekit", O_RDONLY), "open")
                }
                Issue.record("open of a missing file succeeded")
            } catch {
                #expect(error.errno == ENOENT)
                #expect(String(describing: error).contains("open failed"))
            }
        }
        #expect(collector.spans.first?.attributes[SyscallAttributes.errno] == .int(Int64(ENOENT)))
    }

    @Test func asyncSyscallSpanNestsUnderItsCaller() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await traceOperation("handler") {
                _ = await spanSyscall("write", pid: 7) {
                    await Task.yield()
                    return 3
                }
            }
        }
        let handler = try #require(collector.spans(named: "handler").first)
        #expect(collector.spans(named: "write").first?.parentSpanID == handler.spanID)
    }
}
