// SystemError: errno values as the text strerror gives, for error messages.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum SystemError {
    /// `strerror(code)`, with the number, for example "No such file or directory (errno 2)".
    static func message(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "\(text) (errno \(code))"
    }
}
