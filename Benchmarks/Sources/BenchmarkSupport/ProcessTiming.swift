// ProcessTiming: how long a program takes to run, timed exactly (posix_spawn and waitpid).

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to completion with its output discarded; returns the wall seconds, process start included.
/// Through `posix_spawn` and `waitpid`: Foundation's `Process.waitUntilExit` notices the exit only at its next
/// poll, which rounded every gzip time up to a multiple of about 50 ms (and made `/bin/true` take 51 ms).
public func processSeconds(_ program: String, _ arguments: [String]) -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid: pid_t = 0
    var started = timespec()
    clock_gettime(CLOCK_MONOTONIC, &started)
    guard posix_spawn(&pid, program, &actions, nil, argv, environ) == 0 else { return .nan }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    var ended = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ended)
    return Double(ended.tv_sec - started.tv_sec) + Double(ended.tv_nsec - started.tv_nsec) / 1e9
}
