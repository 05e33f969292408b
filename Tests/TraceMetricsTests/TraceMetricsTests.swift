// Tests for the metrics registry and exposition.
import Testing
