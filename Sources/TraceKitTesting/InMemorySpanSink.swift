// TraceKitTesting: in-memory span collection for tests.
import TraceKit
