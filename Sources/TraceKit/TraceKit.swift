// TraceKit: spans, task-local context, sampling, sinks.
