// Tests for spans, context propagation, sampling and limits.
import Testing
