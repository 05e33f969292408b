// traceOperation: wrap any sync or async operation in a span that nests through the task-local context.

/// Runs `body` inside a span named `name` and returns its value.
///
/// Spans started inside `body` (also across `await`, in `async let` and task groups) are its children.
/// An error thrown by `body` is recorded (error status and an `exception` event) and rethrown unchanged.
/// `attributes` is evaluated only when the span is recorded.
///
/// ```swift
/// let html = try traceOperation("render", ["template": "home"]) { try render("home") }
/// ```
@inlinable
public func traceOperation<R, E: Error>(
    _ name: String,
    _ attributes: @autoclosure () -> TraceAttributes = TraceAttributes(),
    kind: SpanRecord.Kind = .internal,
    _ body: () throws(E) -> R
) throws(E) -> R {
    guard let recorder = TraceSystem.active else { return try body() }
    return try recorder.trace(name, attributes, kind) { (_: inout ActiveSpan) throws(E) -> R in try body() }
}

/// Runs `body` inside a span named `name`, handing it the span to add attributes and events to.
///
/// ```swift
/// let rows = try traceOperation("query", ["db.system": "sqlite"]) { span in
///     let rows = try db.run(sql)
///     span.setAttribute("db.rows", .integer(rows.count))
///     return rows
/// }
/// ```
@inlinable
public func traceOperation<R, E: Error>(
    _ name: String,
    _ attributes: @autoclosure () -> TraceAttributes = TraceAttributes(),
    kind: SpanRecord.Kind = .internal,
    _ body: (inout ActiveSpan) throws(E) -> R
) throws(E) -> R {
    guard let recorder = TraceSystem.active else {
        var span = ActiveSpan(notRecording: nil, name: name)
        return try body(&span)
    }
    return try recorder.trace(name, attributes, kind, body)
}

/// Runs the async `body` inside a span named `name` and returns its value.
///
/// ```swift
/// let reply = try await traceOperation("ui_generation", ["message": .string(String(msg.prefix(50)))]) {
///     try await generate(msg)
/// }
/// ```
@inlinable
public func traceOperation<R, E: Error>(
    _ name: String,
    _ attributes: @autoclosure () -> TraceAttributes = TraceAttributes(),
    kind: SpanRecord.Kind = .internal,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws(E) -> R
) async throws(E) -> R {
    guard let recorder = TraceSystem.active else { return try await body() }
    return try await recorder.trace(name, attributes, kind, isolation: isolation) {
        (_: inout ActiveSpan) async throws(E) -> R in try await body()
    }
}

/// Runs the async `body` inside a span named `name`, handing it the span to add attributes and events to.
///
/// ```swift
/// let user = try await traceOperation("load_user", kind: .client) { span in
///     span.setAttribute("user.id", .int(id))
///     return try await store.user(id)
/// }
/// ```
@inlinable
public func traceOperation<R, E: Error>(
    _ name: String,
    _ attributes: @autoclosure () -> TraceAttributes = TraceAttributes(),
    kind: SpanRecord.Kind = .internal,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (inout ActiveSpan) async throws(E) -> R
) async throws(E) -> R {
    guard let recorder = TraceSystem.active else {
        var span = ActiveSpan(notRecording: nil, name: name)
        return try await body(&span)
    }
    return try await recorder.trace(name, attributes, kind, isolation: isolation, body)
}

extension TraceRecorder {
    /// The one implementation behind the synchronous `traceOperation` and `spanSyscall` overloads.
    @inlinable
    func trace<R, E: Error>(
        _ name: String,
        _ attributes: () -> TraceAttributes,
        _ kind: SpanRecord.Kind,
        _ body: (inout ActiveSpan) throws(E) -> R
    ) throws(E) -> R {
        let parent = TraceSystem.currentParent()
        guard var span = startSpan(name, attributes: attributes, kind: kind, parent: parent) else {
            // Not recorded, and the parent's context already tells children so: nothing to bind.
            var span = ActiveSpan(notRecording: parent, name: name)
            return try body(&span)
        }
        let result: Result<R, E> = bindSpanContext(span.context) {
            Result { () throws(E) -> R in try body(&span) }
        }
        if case .failure(let error) = result { span.recordError(error) }
        end(&span)
        return try result.get()
    }

    /// The one implementation behind the asynchronous `traceOperation` and `spanSyscall` overloads.
    @inlinable
    func trace<R, E: Error>(
        _ name: String,
        _ attributes: () -> TraceAttributes,
        _ kind: SpanRecord.Kind,
        isolation: isolated (any Actor)?,
        _ body: (inout ActiveSpan) async throws(E) -> R
    ) async throws(E) -> R {
        let parent = TraceSystem.currentParent()
        guard var span = startSpan(name, attributes: attributes, kind: kind, parent: parent) else {
            var span = ActiveSpan(notRecording: parent, name: name)
            return try await body(&span)
        }
        let result: Result<R, E> = await bindSpanContext(span.context, isolation: isolation) {
            () async -> Result<R, E> in
            do throws(E) {
                return .success(try await body(&span))
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = result { span.recordError(error) }
        end(&span)
        return try result.get()
    }
}
