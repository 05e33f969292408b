// Tests for the trace log.
import Testing
