#!/usr/bin/env python3
"""diff-false-alarms: how often `tracekit diff` cries wolf on one workload, and whether it finds a planted slowdown.

Runs `tracekit demo` in pairs with different seeds of the same workload and counts the pairs whose
`tracekit diff A B` exits 1 (a false alarm: nothing changed but the sample). Then runs pairs where B plants a
slowdown of one span name (`tracekit demo --slow llm_call=1.1`, the simulated LLM work 10% longer) and counts
the pairs where diff exits 1 with that name marked "slower" (a detection). With --other-tracekit, a second
binary's `diff` (an older version, say) judges the very same pairs of logs, so two versions are compared on
identical data. Docs/Analysis.md has the figures.

    swift build -c release
    Scripts/diff-false-alarms.py                       # 20 same-workload pairs, 10 planted pairs
    Scripts/diff-false-alarms.py --pairs 20 --planted 10 --spans 50000 --diff-args="--min-change 5us"
    Scripts/diff-false-alarms.py --other-tracekit /tmp/tracekit-old

Exit status: 0 when the run completed (whatever the counts), 2 when a command failed.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def demo(tracekit, path, seed, spans, concurrency, slow=None):
    command = [tracekit, "demo", "--output", path, "--spans", str(spans), "--concurrency", str(concurrency),
               "--seed", str(seed)]
    if slow:
        command += ["--slow", slow]
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(command)} exited {result.returncode}: {result.stderr}")


UNITS = {"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}


def nanoseconds(text):
    for unit in ("ns", "µs", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * UNITS[unit]
    return None


def diff(tracekit, base, new, extra):
    """Runs tracekit diff; returns its exit status, the names marked slower and each name's median shift (ns)."""
    command = [tracekit, "diff", base, new] + extra
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        fail(f"{' '.join(command)} exited {result.returncode}: {result.stderr}")
    slower, shifts = [], {}
    for line in result.stdout.splitlines()[1:]:
        cells = re.split(r"  +", line.strip())
        if len(cells) < 4:
            continue
        if cells[-1] == "slower":
            slower.append(cells[0])
        before, after = nanoseconds(cells[1]), nanoseconds(cells[2])
        if before and after:
            shifts[cells[0]] = (after - before, (after - before) / before)
    return result.returncode, slower, shifts


class Tally:
    """One diff binary's verdicts over the pairs."""

    def __init__(self, label):
        self.label, self.false_alarms, self.flagged, self.detections, self.shifts = label, 0, {}, 0, {}

    def same_workload(self, status, slower, shifts):
        self.false_alarms += status == 1
        for name in slower:
            self.flagged[name] = self.flagged.get(name, 0) + 1
        for name, shift in shifts.items():
            self.shifts.setdefault(name, []).append(shift)

    def summary(self, pairs, planted, slow):
        flagged = ", ".join(f"{name} x{count}" for name, count in sorted(self.flagged.items()))
        return (f"{self.label}: false alarms: {self.false_alarms} of {pairs} same-workload pairs exited 1"
                + (f" (names flagged: {flagged})" if flagged else "")
                + f"; planted {slow}: found in {self.detections} of {planted} pairs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracekit", default=".build/release/tracekit", help="the tracekit binary (demo and diff)")
    parser.add_argument("--other-tracekit", help="another tracekit binary whose diff judges the same logs")
    parser.add_argument("--pairs", type=int, default=20, help="same-workload pairs (seeds differ)")
    parser.add_argument("--planted", type=int, default=10, help="pairs whose second run plants --slow")
    parser.add_argument("--slow", default="llm_call=1.1", help="the planted slowdown, NAME=FACTOR")
    parser.add_argument("--spans", type=int, default=100000, help="spans per demo run")
    parser.add_argument("--concurrency", type=int, default=16, help="traces at once per demo run")
    parser.add_argument("--diff-args", default="", help="extra arguments for tracekit diff, one string")
    parser.add_argument("--first-seed", type=int, default=1, help="seeds used: first-seed, first-seed + 1, ...")
    arguments = parser.parse_args()
    binaries = [arguments.tracekit] + ([arguments.other_tracekit] if arguments.other_tracekit else [])
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            fail(f"{binary} is not an executable; build it with `swift build -c release`")
    extra = shlex.split(arguments.diff_args)
    planted_name = arguments.slow.split("=")[0]
    tallies = [Tally(binary) for binary in binaries]
    seed = arguments.first_seed
    started = time.monotonic()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tracekit-diff-") as directory:
        base, new = os.path.join(directory, "a.tklog"), os.path.join(directory, "b.tklog")
        for pair in range(arguments.pairs + arguments.planted):
            planted = pair >= arguments.pairs
            demo(arguments.tracekit, base, seed, arguments.spans, arguments.concurrency)
            demo(arguments.tracekit, new, seed + 1, arguments.spans, arguments.concurrency,
                 slow=arguments.slow if planted else None)
            for tally in tallies:
                status, slower, shifts = diff(tally.label, base, new, extra)
                if planted:
                    found = status == 1 and planted_name in slower
                    tally.detections += found
                    outcome = f"planted {arguments.slow}: exit {status}, {'found' if found else 'MISSED'}"
                else:
                    tally.same_workload(status, slower, shifts)
                    outcome = f"same workload: exit {status}"
                print(f"seeds {seed} and {seed + 1}, {tally.label}: {outcome}"
                      + (f" ({', '.join(slower)})" if slower else ""), flush=True)
            seed += 2
    print()
    print("median shifts between same-workload runs (the noise a threshold must stay above):")
    print(f"{'name':24} {'largest |shift|':>16} {'largest |change|':>17}")
    for name, values in sorted(tallies[0].shifts.items()):
        largest = max(abs(shift) for shift, _ in values)
        relative = max(abs(change) for _, change in values)
        print(f"{name:24} {largest / 1e3:13.2f} µs {relative * 100:15.1f} %")
    print()
    for tally in tallies:
        print(tally.summary(arguments.pairs, arguments.planted, arguments.slow))
    print(f"({arguments.spans} spans per run, concurrency {arguments.concurrency}, diff args '{arguments.diff_args}', "
          f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, "
          f"{time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
