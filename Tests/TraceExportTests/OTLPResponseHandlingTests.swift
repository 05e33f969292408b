// Tests how the OTLP/HTTP transport reads answers: Retry-After in both forms, chunked bodies, partial success in
// protobuf and JSON, the retry waits, and the configurations it refuses.

import Testing
import TraceKit

@testable import TraceExport

@Suite struct OTLPResponseHandlingTests {
    @Test func retryAfterReadsSecondsAndTheThreeHTTPDateForms() {
        // 1994-11-06 08:49:37 UTC is 784111777 (RFC 9110's example date).
        let now: Int64 = 784_111_777 - 90
        #expect(RetryAfter.wait("120", nowUnixSeconds: now) == .seconds(120))
        #expect(RetryAfter.wait(" 0 ", nowUnixSeconds: now) == .seconds(0))
        #expect(RetryAfter.wait("Sun, 06 Nov 1994 08:49:37 GMT", nowUnixSeconds: now) == .seconds(90))
        #expect(RetryAfter.wait("Sunday, 06-Nov-94 08:49:37 GMT", nowUnixSeconds: now) == .seconds(90))
        #expect(RetryAfter.wait("Sun Nov  6 08:49:37 1994", nowUnixSeconds: now) == .seconds(90))
        #expect(RetryAfter.wait("Sun, 06 Nov 1994 08:49:37 GMT", nowUnixSeconds: now + 1000) == .seconds(0))
        #expect(RetryAfter.unixSeconds(ofHTTPDate: "Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.unixSeconds(ofHTTPDate: "Tue, 29 Feb 2028 23:59:59 GMT") == 1_835_481_599)
        for garbage in ["", "-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"] {
            #expect(RetryAfter.wait(garbage, nowUnixSeconds: now) == nil, "\(garbage)")
        }
    }

    @Test func retryWaitsHonourRetryAfterUpToTheLimitAndNeverRetryRefusals() {
        let policy = OTLPRetryPolicy(
            maximumAttempts: 3, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1),
            maximumRetryAfter: .seconds(30))
        let throttled = OTLPExportError.httpStatus(429, body: "", retryAfter: .seconds(7))
        #expect(policy.wait(afterAttempt: 1, failure: throttled) == .seconds(7))
        #expect(policy.wait(afterAttempt: 3, failure: throttled) == nil, "attempts used up")
        let tiny = OTLPExportError.httpStatus(503, body: "", retryAfter: .zero)
        let backoff = policy.wait(afterAttempt: 1, failure: tiny)
        #expect(backoff.map { $0 >= .milliseconds(80) && $0 <= .milliseconds(120) } == true, "backoff when longer")
        #expect(policy.wait(afterAttempt: 1, failure: .httpStatus(429, body: "", retryAfter: .seconds(31))) == nil)
        for status in [400, 401, 403, 404, 413, 500] {
            #expect(policy.wait(afterAttempt: 1, failure: .httpStatus(status, body: "")) == nil, "\(status)")
        }
        for status in [429, 502, 503, 504] {
            #expect(policy.wait(afterAttempt: 1, failure: .httpStatus(status, body: "")) != nil, "\(status)")
        }

        var waits: [Duration] = []
        var attempts = 0
        let result = try? policy.run(
            { () throws(OTLPExportError) -> Int in
                attempts += 1
                if attempts < 3 { throw OTLPExportError.httpStatus(503, body: "", retryAfter: .seconds(2)) }
                return 42
            }, sleep: { waits.append($0) })
        #expect(result == 42)
        #expect(waits == [.seconds(2), .seconds(2)])
    }

    @Test func responsesAreReadWithContentLengthChunkedOrToClose() throws {
        let plain = try HTTPResponse(
            parsing: Array("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nContent-Length: 2\r\n\r\nokEXTRA".utf8))
        #expect(plain.status == 429)
        #expect(plain.headers["retry-after"] == "5")
        #expect(plain.body == Array("ok".utf8))
        let chunked = try HTTPResponse(
            parsing: Array(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n4\r\n{\"pa\r\n1;x=y\r\n\"\r\n0\r\n\r\n"
                    .utf8))
        #expect(chunked.body == Array("{\"pa\"".utf8))
        let toClose = try HTTPResponse(parsing: Array("HTTP/1.0 200 OK\r\n\r\nrest".utf8))
        #expect(toClose.body == Array("rest".utf8))
        #expect(throws: OTLPExportError.self) { try HTTPResponse(parsing: Array("SSH-2.0-OpenSSH\r\n\r\n".utf8)) }
        #expect(throws: OTLPExportError.self) { try HTTPResponse(parsing: Array("HTTP/1.1 200 OK\r\n".utf8)) }
    }

    @Test func partialSuccessIsReadFromProtobufAndJSON() {
        var writer = ProtobufWriter()
        writer.message(1) { partial in
            partial.varintField(1, 12)
            partial.stringField(2, "too old")
            partial.varintField(9, 1)  // an unknown field is skipped
        }
        let expected = OTLPPartialSuccess(rejectedSpans: 12, errorMessage: "too old")
        #expect(
            OTLPPartialSuccess.decode(writer.bytes, contentType: "application/x-protobuf", requestProtocol: .httpJSON)
                == expected)
        #expect(OTLPPartialSuccess.decode(writer.bytes, contentType: nil, requestProtocol: .httpProtobuf) == expected)
        let json = Array(#"{"partialSuccess": {"rejectedSpans": "12", "errorMessage": "too old"}}"#.utf8)
        #expect(
            OTLPPartialSuccess.decode(json, contentType: "application/json", requestProtocol: .httpProtobuf) == expected
        )
        let number = Array(#"{"partialSuccess":{"rejectedSpans":12,"errorMessage":"too \u006fld"}}"#.utf8)
        #expect(
            OTLPPartialSuccess.decode(number, contentType: "application/json", requestProtocol: .httpJSON) == expected)
        let warning = Array(#"{"partialSuccess":{"errorMessage":"slow down"}}"#.utf8)
        #expect(
            OTLPPartialSuccess.decode(warning, contentType: "application/json", requestProtocol: .httpJSON)
                == OTLPPartialSuccess(rejectedSpans: 0, errorMessage: "slow down"))
        for nothing in [[], Array("{}".utf8), Array(#"{"partialSuccess":{}}"#.utf8), Array("not json".utf8)] {
            #expect(
                OTLPPartialSuccess.decode(nothing, contentType: "application/json", requestProtocol: .httpJSON) == nil)
        }
        #expect(OTLPPartialSuccess.decode([0x0A, 0x05, 0x08], contentType: nil, requestProtocol: .httpProtobuf) == nil)
    }

    @Test func theHTTPTransportRefusesWhatItCannotSend() {
        #expect(throws: OTLPExportError.unsupportedProtocol("grpc")) {
            try OTLPHTTPTransport(configuration: .init(endpoint: "http://127.0.0.1:4317", protocol: .grpc))
        }
        #expect(throws: OTLPExportError.invalidURL("https://collector:4318/v1/traces")) {
            try OTLPHTTPTransport(configuration: .init(endpoint: "https://collector:4318/v1/traces"))
        }
        #expect(
            OTLPExportError.invalidURL("https://collector:4318/v1/traces").description.contains(
                "https (TLS) is not supported by this exporter yet"))
        for (name, value) in [
            ("Content-Type", "text/plain"), ("bad name", "x"), ("x-ok", "a\r\nInjected: 1"), ("", "x"),
        ] {
            #expect(throws: OTLPExportError.self, "\(name)") {
                try OTLPHTTPTransport(configuration: .init(headers: [name: value]))
            }
        }
        let transport = try? OTLPHTTPTransport(
            configuration: .init(headers: ["User-Agent": "mine/1", "api-key": "k"], compression: .gzip))
        #expect(
            transport?.fields.map { "\($0.0): \($0.1)" }
                == [
                    "Content-Type: application/x-protobuf", "Content-Encoding: gzip", "api-key: k",
                    "User-Agent: mine/1",
                ])
    }
}
