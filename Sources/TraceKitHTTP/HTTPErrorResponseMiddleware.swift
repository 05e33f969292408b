// HTTPErrorResponseMiddleware: turns errors thrown by routes into responses, so metrics see their status and time.

import Hummingbird

/// Converts an error thrown further in (a route, or the router's 404) into the response Hummingbird would send.
///
/// Hummingbird's `MetricsMiddleware` records the duration histogram only for responses, not for thrown errors, so
/// failed requests (404, 500, any `HTTPError`) would be missing from `*_request_duration_seconds`. Placed inside it,
/// this middleware hands it a response with the right status instead.
///
/// ```swift
/// router.add(middleware: MetricsMiddleware())
/// router.add(middleware: HTTPErrorResponseMiddleware())
/// router.add(middleware: TracingMiddleware())
/// ```
public struct HTTPErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch {
            // What Hummingbird answers for an error it knows nothing about; the details stay in the span.
            return Response(status: .internalServerError)
        }
    }
}
