// SelfTraffic: sends the sample service a bounded burst of requests over loopback, then finishes.

import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Creates, reads, lists and deletes apps `count` times through real HTTP requests on 127.0.0.1, then returns
/// (which shuts the sample down).
struct SelfTraffic: Service {
    let port: PortAnnouncement
    let count: Int
    let host: String

    func run() async throws {
        var waited = 0
        while port.value == nil && waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        guard let port = port.value else { return }
        await Task.detached {
            for index in 0..<count {
                let id = LoopbackRequest.send("POST", "/api/apps", body: "app-\(index)", port: port)
                _ = LoopbackRequest.send("GET", "/api/apps/\(id)", port: port)
                _ = LoopbackRequest.send("GET", "/api/apps", port: port)
                if index % 3 == 0 { _ = LoopbackRequest.send("DELETE", "/api/apps/\(id)", port: port) }
                if index % 5 == 0 { _ = LoopbackRequest.send("GET", "/api/apps/missing", port: port) }
            }
        }.value
    }
}

/// One blocking HTTP/1.1 request on a fresh loopback connection; returns the body ("" on failure).
enum LoopbackRequest {
    static func send(_ method: String, _ path: String, body: String = "", port: Int) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return "" }
        let request = Array(
            ("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8)
        guard request.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            return ""
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while response.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.split(separator: "\r\n\r\n", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }
}
