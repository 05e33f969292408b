#!/usr/bin/env python3
"""Reference adjusted p-values for the TraceAnalysis tests, from statsmodels and SciPy, not from TraceKit's code.

Input: a JSON file {"families": [[p, p, ...], ...]}, each list the raw p-values of one family of tests.
Output on stdout: a JSON list, one object per family:
  {"holm": statsmodels.stats.multitest.multipletests(p, method="holm") adjusted values,
   "bh": the same with method="fdr_bh",
   "bh_scipy": scipy.stats.false_discovery_control(p, method="bh")}
Exit status 3 with a message on stderr when statsmodels or scipy cannot be imported.
"""
import json
import sys

try:
    from scipy import stats
    from statsmodels.stats.multitest import multipletests
except ImportError as error:  # the Swift test turns this into a skip or, under CI=true, a failure
    print(f"missing python module: {error.name}", file=sys.stderr)
    sys.exit(3)


def main(path):
    with open(path) as handle:
        families = json.load(handle)["families"]
    results = []
    for p in families:
        results.append({
            "holm": [float(v) for v in multipletests(p, method="holm")[1]],
            "bh": [float(v) for v in multipletests(p, method="fdr_bh")[1]],
            "bh_scipy": [float(v) for v in stats.false_discovery_control(p, method="bh")],
        })
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
