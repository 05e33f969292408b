#!/usr/bin/env python3
"""Replay + derive against gzip -dc, each as a fresh process, interleaved: the comparison a user sees.

Usage: Scripts/replay-vs-gzip.py LOG [RUNS] [TRACEKIT]

Runs `tracekit metrics LOG > /dev/null` (replay, derive every metric, render the exposition) and
`gzip -dc LOG > /dev/null` alternately RUNS times (default 21), and prints the median wall time of each and
their ratio. Both include their process start; tracekit's is the larger (the Swift runtime loads).
"""
import statistics
import subprocess
import sys
import time


def wall(command):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    log = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    tracekit = sys.argv[3] if len(sys.argv) > 3 else ".build/release/tracekit"
    replay, gzip = [], []
    for _ in range(runs):
        replay.append(wall([tracekit, "metrics", log]))
        gzip.append(wall(["gzip", "-dc", log]))
    r, g = statistics.median(replay), statistics.median(gzip)
    print(f"tracekit metrics: median {r:.4f} s (min {min(replay):.4f}, max {max(replay):.4f}) over {runs} runs")
    print(f"gzip -dc:         median {g:.4f} s (min {min(gzip):.4f}, max {max(gzip):.4f})")
    print(f"speed of replay + derive relative to gzip -dc: {g / r:.3f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
