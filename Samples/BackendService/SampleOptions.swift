// SampleOptions: the sample's few command-line options, parsed by hand to keep its dependencies small.

/// `--port N`, `--host H`, `--log PATH`, `--requests N`.
struct SampleOptions {
    var port = 8000
    var host = "127.0.0.1"
    var logPath = "backend.tklog"
    var selfRequests: Int?

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: ArraySlice<String>) throws {
        var remaining = arguments
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
            switch flag {
            case "--port":
                guard let port = Int(value), (0...65535).contains(port) else {
                    throw Invalid(description: "--port takes 0...65535")
                }
                self.port = port
            case "--host": host = value
            case "--log": logPath = value
            case "--requests":
                guard let count = Int(value), count > 0 else { throw Invalid(description: "--requests takes N > 0") }
                selfRequests = count
            default:
                throw Invalid(description: "unknown option \(flag); use --port, --host, --log, --requests")
            }
        }
    }
}
