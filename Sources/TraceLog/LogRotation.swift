// LogRotation: the predictable names of rotated log files and how to find them.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Names of rotated files: `dir/app.tklog` rotates to `dir/app.000001.tklog`, `dir/app.000002.tklog`, ...
/// (increasing numbers, oldest first); the live file keeps the configured name.
///
/// ```swift
/// let files = LogRotation.files(for: "/var/log/app.tklog")   // rotated files in order, then the live file
/// let spans = try MergedLogReader(paths: files).spans
/// ```
public enum LogRotation {
    /// The directory, the file stem and the extension (with dot, or empty) of `path`.
    static func split(_ path: String) -> (directory: String, stem: String, suffix: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return (directory, String(name[..<dot]), String(name[dot...]))
        }
        return (directory, name, "")
    }

    /// The rotation number of `name` if it is a rotated file of `stem`/`suffix`.
    static func sequence(of name: String, stem: String, suffix: String) -> Int? {
        guard name.hasPrefix(stem + "."), name.hasSuffix(suffix), name.count > stem.count + 1 + suffix.count else {
            return nil
        }
        let digits = name.dropFirst(stem.count + 1).dropLast(suffix.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// The names in `directory` (empty string: the current directory); none when it cannot be listed.
    static func names(in directory: String) -> [String] {
        (try? listNames(in: directory)) ?? []
    }

    /// The names in `directory` (empty string: the current directory).
    ///
    /// - Throws: `TraceLogError.cannotOpen` with the errno of `opendir` (`EACCES`, `ENOTDIR`, `ELOOP`...).
    static func listNames(in directory: String) throws(TraceLogError) -> [String] {
        guard let handle = opendir(directory.isEmpty ? "." : directory) else {
            throw .cannotOpen(path: directory, errno: errno)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The rotated files of `path`, oldest first, followed by `path` itself if it exists.
    public static func files(for path: String) -> [String] {
        let (directory, stem, suffix) = split(path)
        let rotated = names(in: directory).compactMap { name -> (Int, String)? in
            sequence(of: name, stem: stem, suffix: suffix).map { ($0, directory + name) }
        }
        var result = rotated.sorted { $0.0 < $1.0 }.map(\.1)
        if access(path, F_OK) == 0 { result.append(path) }
        return result
    }

    /// The name the live file at `path` gets when it is rotated now: one more than the highest existing number.
    static func nextRotatedPath(for path: String) -> String {
        let (directory, stem, suffix) = split(path)
        let highest = names(in: directory).compactMap { sequence(of: $0, stem: stem, suffix: suffix) }.max() ?? 0
        let number = String(highest + 1)
        let padded = String(repeating: "0", count: max(0, 6 - number.count)) + number
        return directory + stem + "." + padded + suffix
    }

    /// Every `.tklog` file in `directory`, sorted by name; none when the directory cannot be listed.
    public static func logFiles(inDirectory directory: String) -> [String] {
        (try? listLogFiles(inDirectory: directory)) ?? []
    }

    /// Every `.tklog` file in `directory`, sorted by name.
    ///
    /// ```swift
    /// let files = try LogRotation.listLogFiles(inDirectory: "/var/log/agent")
    /// ```
    ///
    /// - Throws: `TraceLogError.cannotOpen` when the directory cannot be listed (its errno says why, for example
    ///   `EACCES` for a directory without read or search permission).
    public static func listLogFiles(inDirectory directory: String) throws(TraceLogError) -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return try listNames(in: directory).filter { $0.hasSuffix(".tklog") }.sorted().map { prefix + $0 }
    }
}
