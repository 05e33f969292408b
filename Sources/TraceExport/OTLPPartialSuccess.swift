// OTLPPartialSuccess: the collector's "accepted, but not all of it" answer, read from an ExportTraceServiceResponse.

/// What an OTLP receiver said in `ExportTraceServiceResponse.partial_success`: how many spans of the request it
/// rejected, and why. A receiver may also send only a message (`rejectedSpans` 0), as a warning.
///
/// The exporter does not retry rejected spans (the OTLP specification forbids it); it counts them in
/// ``OTLPSpanExporter/Statistics/rejected`` and keeps the last answer in ``OTLPSpanExporter/lastPartialSuccess``.
///
/// ```swift
/// if let partial = exporter.lastPartialSuccess { print("collector rejected \(partial.rejectedSpans): \(partial.errorMessage)") }
/// ```
public struct OTLPPartialSuccess: Hashable, Sendable {
    /// Spans the receiver did not accept.
    public var rejectedSpans: Int64
    /// The receiver's explanation, possibly empty.
    public var errorMessage: String

    /// Creates a partial-success answer.
    public init(rejectedSpans: Int64, errorMessage: String) {
        self.rejectedSpans = rejectedSpans
        self.errorMessage = errorMessage
    }

    /// The partial success in a 2xx response body, decoded as protobuf or JSON by the response's `Content-Type`
    /// (falling back to the request's); `nil` when the body is empty, has none, or cannot be read.
    static func decode(_ body: [UInt8], contentType: String?, requestProtocol: OTLPProtocol) -> OTLPPartialSuccess? {
        guard !body.isEmpty else { return nil }
        let type = contentType?.lowercased() ?? ""
        let isJSON = type.contains("json") || (!type.contains("protobuf") && requestProtocol == .httpJSON)
        let decoded = isJSON ? decodeJSON(body) : decodeProtobuf(body)
        guard let decoded, decoded.rejectedSpans != 0 || !decoded.errorMessage.isEmpty else { return nil }
        return decoded
    }

    /// `ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 }` with
    /// `ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2 }`.
    static func decodeProtobuf(_ body: [UInt8]) -> OTLPPartialSuccess? {
        var response = ProtobufReader(body[...])
        var result: OTLPPartialSuccess?
        while let field = response.nextField() {
            guard field.number == 1, case .lengthDelimited(let bytes) = field.value else { continue }
            var partial = ProtobufReader(bytes)
            var decoded = OTLPPartialSuccess(rejectedSpans: 0, errorMessage: "")
            while let inner = partial.nextField() {
                switch (inner.number, inner.value) {
                case (1, .varint(let value)): decoded.rejectedSpans = Int64(bitPattern: value)
                case (2, .lengthDelimited(let text)): decoded.errorMessage = String(decoding: text, as: UTF8.self)
                default: break
                }
            }
            guard !partial.failed else { return nil }
            result = decoded
        }
        return response.failed ? nil : result
    }

    /// `{"partialSuccess": {"rejectedSpans": "3", "errorMessage": "..."}}`; the count may be a string or a number.
    static func decodeJSON(_ body: [UInt8]) -> OTLPPartialSuccess? {
        guard case .object(let response)? = JSONValue.parse(body),
            case .object(let partial)? = response["partialSuccess"] ?? response["partial_success"]
        else { return nil }
        var decoded = OTLPPartialSuccess(rejectedSpans: 0, errorMessage: "")
        switch partial["rejectedSpans"] ?? partial["rejected_spans"] {
        case .string(let text)?: decoded.rejectedSpans = Int64(text) ?? 0
        case .number(let number)?: decoded.rejectedSpans = Int64(exactly: number.rounded()) ?? 0
        default: break
        }
        if case .string(let message)? = partial["errorMessage"] ?? partial["error_message"] {
            decoded.errorMessage = message
        }
        return decoded
    }
}
