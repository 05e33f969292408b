// TraceMetrics: metrics registry and Prometheus / OpenMetrics exposition.
