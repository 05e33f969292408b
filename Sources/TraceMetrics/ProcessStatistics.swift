// ProcessStatistics: a process's CPU time, memory, descriptors and start time, read from /proc (Linux only).

#if os(Linux)
    import Glibc

    /// One reading of what Prometheus client libraries export as `process_*`, taken the way Python's
    /// `prometheus_client.ProcessCollector` takes it, so both report the same numbers for the same process:
    ///
    /// | field | source |
    /// |---|---|
    /// | `cpuSeconds` | `/proc/PID/stat` utime + stime, in clock ticks / `sysconf(_SC_CLK_TCK)` |
    /// | `virtualMemoryBytes` | `/proc/PID/stat` vsize |
    /// | `residentMemoryBytes` | `/proc/PID/stat` rss (pages) x page size |
    /// | `startTimeSeconds` | `/proc/PID/stat` starttime (ticks after boot) / ticks + `btime` of `/proc/stat` |
    /// | `openFileDescriptors` | entries of `/proc/PID/fd` |
    /// | `maximumFileDescriptors` | the soft "Max open files" of `/proc/PID/limits` (`+Inf` when unlimited) |
    ///
    /// A field the kernel does not let us read is `nil` (its metric is then left as it was).
    struct ProcessStatistics: Equatable {
        var cpuSeconds: Double?
        var virtualMemoryBytes: Double?
        var residentMemoryBytes: Double?
        var startTimeSeconds: Double?
        var openFileDescriptors: Double?
        var maximumFileDescriptors: Double?

        /// Reads the statistics of `pid` (`"self"` for this process).
        static func read(pid: String = "self") -> ProcessStatistics {
            var statistics = ProcessStatistics()
            let directory = "/proc/\(pid)"
            if let stat = ProcFile.text("\(directory)/stat") {
                statistics.takeStat(stat)
            }
            statistics.openFileDescriptors = ProcFile.entryCount("\(directory)/fd").map(Double.init)
            if let limits = ProcFile.text("\(directory)/limits") {
                statistics.maximumFileDescriptors = Self.softOpenFileLimit(limits)
            }
            return statistics
        }

        /// Fills the fields that come from `/proc/PID/stat`.
        private mutating func takeStat(_ stat: String) {
            // The command name (field 2) is in parentheses and may hold spaces and ')': split after the last ')'.
            guard let close = stat.lastIndex(of: ")") else { return }
            let fields = stat[stat.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
            // fields[0] is the state (field 3 of proc(5)), so field N of proc(5) is fields[N - 3].
            guard fields.count > 21, let utime = Double(fields[11]), let stime = Double(fields[12]),
                let startTicks = Double(fields[19]), let vsize = Double(fields[20]), let rssPages = Double(fields[21])
            else { return }
            let ticks = Self.clockTicksPerSecond
            cpuSeconds = utime / ticks + stime / ticks
            virtualMemoryBytes = vsize
            residentMemoryBytes = rssPages * Self.pageSizeBytes
            if let bootTime = Self.bootTimeSeconds { startTimeSeconds = startTicks / ticks + bootTime }
        }

        /// The soft limit on the "Max open files" line of `/proc/PID/limits`.
        static func softOpenFileLimit(_ limits: String) -> Double? {
            for line in limits.split(separator: "\n") where line.hasPrefix("Max open files") {
                let words = line.split(separator: " ")
                guard words.count > 3 else { return nil }
                return words[3] == "unlimited" ? .infinity : Double(words[3])
            }
            return nil
        }

        /// Clock ticks per second (`USER_HZ`), 100 when `sysconf` does not say.
        static let clockTicksPerSecond: Double = {
            let ticks = sysconf(Int32(_SC_CLK_TCK))
            return ticks > 0 ? Double(ticks) : 100
        }()

        static let pageSizeBytes: Double = {
            let size = sysconf(Int32(_SC_PAGESIZE))
            return size > 0 ? Double(size) : 4096
        }()

        /// The boot time in Unix seconds: the `btime` line of `/proc/stat`.
        static let bootTimeSeconds: Double? = {
            guard let stat = ProcFile.text("/proc/stat") else { return nil }
            for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
                return Double(line.dropFirst(6).trimmingPrefix(while: { $0 == " " }))
            }
            return nil
        }()
    }

    /// Small reads of /proc files without Foundation.
    enum ProcFile {
        /// The whole file as text (/proc files are small; at most 1 MiB is read), or nil when it cannot be read.
        static func text(_ path: String) -> String? {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while bytes.count < 1 << 20 {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count < 0 { return nil }
                if count == 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// The number of entries of a directory other than `.` and `..`, or nil when it cannot be listed. Listing
        /// `/proc/self/fd` counts the descriptor of the listing too, as every client library's reading does.
        static func entryCount(_ path: String) -> Int? {
            guard let directory = opendir(path) else { return nil }
            defer { closedir(directory) }
            var count = 0
            while let entry = readdir(directory) {
                let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                    name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
                }
                if !isDot { count += 1 }
            }
            return count
        }
    }
#endif
