// PortAnnouncement: prints the port the sample listens on and hands it to the self-traffic generator.

import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#endif

/// The bound port, printed once ("listening on http://127.0.0.1:PORT") and readable by other services.
final class PortAnnouncement: Sendable {
    private let port = Locked<Int?>(nil)

    func announce(_ value: Int?) {
        port.withLock { $0 = value }
        if let value {
            print("listening on port \(value); metrics at /metrics")
            fflush(nil)  // a pipe reading this line must see it now
        }
    }

    var value: Int? { port.withLock { $0 } }
}
