// KernelSyscalls: the kernel layer: real syscalls in spans, one refused by a permission check, written to a log.
//
// Run: swift run KernelSyscalls [kernel.tklog]    then: tracekit tree kernel.tklog; tracekit metrics kernel.tklog

import TraceKit
import TraceLog

#if canImport(Glibc)
    import Glibc
#endif

/// The seed kernel's sandbox: an agent may read /proc but not /etc/shadow.
func checkCapability(path: String) throws(SyscallError) {
    if path.hasPrefix("/etc/shadow") { throw SyscallError(syscall: "open", errno: EACCES) }
}

func readFile(_ path: String, pid: Int32) throws(SyscallError) -> Int {
    let fd = try spanSyscall("open", pid: pid) { () throws(SyscallError) -> Int32 in
        try checkCapability(path: path)
        return try SyscallError.check(open(path, O_RDONLY), "open")
    }
    defer { _ = try? spanSyscall("close", pid: pid) { try SyscallError.check(close(fd), "close") } }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.count
    return try spanSyscall("read", pid: pid) { () throws(SyscallError) -> Int in
        try SyscallError.check(read(fd, &buffer, count), "read")
    }
}

let path = CommandLine.arguments.dropFirst().first ?? "kernel.tklog"
do {
    let recorder = try TraceSystem.bootstrap(TraceConfiguration(service: "agent-kernel", log: .file(path)))
    let pid = getpid()
    for file in ["/proc/self/stat", "/proc/self/status", "/etc/shadow"] {
        do {
            let bytes = try traceOperation("load_config", ["file": .string(file)]) { () throws(SyscallError) in
                try readFile(file, pid: pid)
            }
            print("read \(bytes) bytes of \(file)")
        } catch {
            print("refused: \(error)")  // the open span carries syscall.permission_denied = true
        }
    }
    recorder.shutdown()  // seals the last block and writes the end-of-file marker
    print("wrote \(path); try: tracekit tree \(path)")
} catch {
    print("cannot open \(path): \(error)")
    exit(2)
}
