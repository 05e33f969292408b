// IdentifierKeys: the id permutation keys a block stores so counter-coded ids decode without the recorder.

import TraceKit

/// The keys of a recorder's `IdentifierScheme`, as stored in a block header.
///
/// `TraceRecorder.IdentifierScheme` has no public initializer, so the reader keeps its own copy.
struct IdentifierKeys: Hashable, Sendable {
    var traceIDHigh: UInt64
    var traceIDLow: IDPermutation
    var spanID: IDPermutation

    init(traceIDHigh: UInt64, traceIDLowKey: UInt64, spanIDKey: UInt64) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = IDPermutation(key: traceIDLowKey)
        self.spanID = IDPermutation(key: spanIDKey)
    }

    init(_ scheme: TraceRecorder.IdentifierScheme) {
        self.traceIDHigh = scheme.traceIDHigh
        self.traceIDLow = scheme.traceIDLow
        self.spanID = scheme.spanID
    }
}
