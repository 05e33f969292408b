#!/usr/bin/env python3
"""diff-false-alarms: how often `tracekit diff` cries wolf on one workload, and whether it finds a planted slowdown.

Runs `tracekit demo` in pairs with different seeds of the same workload and counts the pairs whose
`tracekit diff A B` exits 1 (a false alarm: nothing changed but the sample). Then runs pairs where B plants a
slowdown of one span name (`tracekit demo --slow llm_call=1.1`, the simulated LLM work 10% longer) and counts
the pairs where diff exits 1 with that name marked "slower" (a detection). Docs/Analysis.md has the figures.

    swift build -c release
    Scripts/diff-false-alarms.py                       # 20 same-workload pairs, 10 planted pairs
    Scripts/diff-false-alarms.py --pairs 20 --planted 10 --spans 20000 --diff-args="--threshold 5"

Exit status: 0 when the run completed (whatever the counts), 2 when a command failed.
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time


def demo(tracekit, path, seed, spans, concurrency, slow=None):
    command = [tracekit, "demo", "--output", path, "--spans", str(spans), "--concurrency", str(concurrency),
               "--seed", str(seed)]
    if slow:
        command += ["--slow", slow]
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command)} exited {result.returncode}: {result.stderr}")


def diff(tracekit, base, new, extra):
    command = [tracekit, "diff", base, new] + extra
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"error: {' '.join(command)} exited {result.returncode}: {result.stderr}")
    slower = [line.split("  ")[0].strip() for line in result.stdout.splitlines() if line.rstrip().endswith("slower")]
    return result.returncode, slower


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracekit", default=".build/release/tracekit", help="the tracekit binary")
    parser.add_argument("--pairs", type=int, default=20, help="same-workload pairs (seeds differ)")
    parser.add_argument("--planted", type=int, default=10, help="pairs whose second run plants --slow")
    parser.add_argument("--slow", default="llm_call=1.1", help="the planted slowdown, NAME=FACTOR")
    parser.add_argument("--spans", type=int, default=20000, help="spans per demo run")
    parser.add_argument("--concurrency", type=int, default=16, help="traces at once per demo run")
    parser.add_argument("--diff-args", default="", help="extra arguments for tracekit diff, one string")
    parser.add_argument("--first-seed", type=int, default=1, help="seeds used: first-seed, first-seed + 1, ...")
    arguments = parser.parse_args()
    if not os.access(arguments.tracekit, os.X_OK):
        sys.exit(f"error: {arguments.tracekit} is not an executable; build it with `swift build -c release`")
    extra = shlex.split(arguments.diff_args)
    planted_name = arguments.slow.split("=")[0]
    seed = arguments.first_seed
    started = time.monotonic()
    load = os.getloadavg()[0]
    false_alarms, flagged, detections = 0, {}, 0
    with tempfile.TemporaryDirectory(prefix="tracekit-diff-") as directory:
        base, new = os.path.join(directory, "a.tklog"), os.path.join(directory, "b.tklog")
        for pair in range(arguments.pairs):
            demo(arguments.tracekit, base, seed, arguments.spans, arguments.concurrency)
            demo(arguments.tracekit, new, seed + 1, arguments.spans, arguments.concurrency)
            status, slower = diff(arguments.tracekit, base, new, extra)
            print(f"same workload, seeds {seed} and {seed + 1}: exit {status}" + (f" ({', '.join(slower)})" if slower else ""),
                  flush=True)
            false_alarms += status == 1
            for name in slower:
                flagged[name] = flagged.get(name, 0) + 1
            seed += 2
        for pair in range(arguments.planted):
            demo(arguments.tracekit, base, seed, arguments.spans, arguments.concurrency)
            demo(arguments.tracekit, new, seed + 1, arguments.spans, arguments.concurrency, slow=arguments.slow)
            status, slower = diff(arguments.tracekit, base, new, extra)
            found = status == 1 and planted_name in slower
            print(f"planted {arguments.slow}, seeds {seed} and {seed + 1}: exit {status}, "
                  f"{'found' if found else 'MISSED'}" + (f" ({', '.join(slower)})" if slower else ""), flush=True)
            detections += found
            seed += 2
    print()
    print(f"false alarms: {false_alarms} of {arguments.pairs} same-workload pairs exited 1"
          + (f"; names flagged: {', '.join(f'{n} x{c}' for n, c in sorted(flagged.items()))}" if flagged else ""))
    print(f"planted {arguments.slow}: found in {detections} of {arguments.planted} pairs")
    print(f"({arguments.spans} spans per run, concurrency {arguments.concurrency}, diff args '{arguments.diff_args}', "
          f"load average {load:.1f} at the start, {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
