"""Prints what Python prometheus_client's ProcessCollector exposes for a process id (Prometheus text 0.0.4).

Usage: process_metrics.py PID
The TraceMetrics tests compare it with MetricsRegistry.exposeProcessMetrics() and ProcessStatistics.
"""
import sys

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.process_collector import ProcessCollector

pid = sys.argv[1]
registry = CollectorRegistry()
ProcessCollector(pid=lambda: pid, registry=registry)
sys.stdout.write(generate_latest(registry).decode("utf-8"))
