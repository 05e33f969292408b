// AppStore: the sample's "applications" resource, with a service layer traced by withSpan and counted by swift-metrics.

import Hummingbird
import Metrics
import TraceKit
import TraceSync
import Tracing

/// In-memory applications; every handler calls the service layer, which is what the seed's metrics count.
final class AppStore: Sendable {
    private let apps = Locked<[String: String]>([:])
    private let nextID = Locked(0)

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/apps") { _, _ in
            try await self.call("list") { apps in apps.values.sorted().joined(separator: "\n") }
        }
        router.post("/api/apps") { request, context in
            let body = try await request.body.collect(upTo: 4096)
            let name = String(buffer: body)
            guard !name.isEmpty else { throw HTTPError(.badRequest, message: "send the app name as the body") }
            return try await self.call("create") { apps in
                let id = self.nextID.withLock { value in
                    value += 1
                    return String(value)
                }
                apps[id] = name
                return id
            }
        }
        router.get("/api/apps/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await self.call("get") { apps in
                guard let name = apps[id] else { throw HTTPError(.notFound, message: "no app \(id)") }
                return name
            }
        }
        router.delete("/api/apps/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await self.call("delete") { apps in
                guard apps.removeValue(forKey: id) != nil else { throw HTTPError(.notFound, message: "no app \(id)") }
                return "deleted \(id)"
            }
        }
    }

    /// One service-layer call: a client span (`withSpan`), `backend_service_calls_total{service,method}` and the
    /// `backend_apps_active` gauge, all through the swift-distributed-tracing and swift-metrics APIs.
    private func call(
        _ method: String, _ body: @Sendable (inout [String: String]) throws -> String
    ) async throws -> String {
        try await withSpan("AppService.\(method)", ofKind: .client) { span in
            span.attributes["service"] = "apps"
            span.attributes["method"] = method
            Counter(label: "backend_service_calls_total", dimensions: [("service", "apps"), ("method", method)])
                .increment()
            // A stand-in for the database round trip the real service makes.
            try await Task.sleep(for: .milliseconds(method == "list" ? 3 : 1))
            let (result, count) = try apps.withLock { apps in (try body(&apps), apps.count) }
            Meter(label: "backend_apps_active").set(count)
            return result
        }
    }
}
