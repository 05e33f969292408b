#!/usr/bin/env python3
"""Reference values for the TraceAnalysis tests, computed independently of the Swift code.

Input: a JSON file {"cases": [{"x": [...], "y": [...], "method": "asymptotic"|"exact"|"auto",
"confidence": 0.95, "hodges_lehmann": true}, ...]} (x is the baseline, y the candidate).
Output on stdout: a JSON list, one object per case:
  {"p": two-sided p-value and "u1": U of x, both from scipy.stats.mannwhitneyu(use_continuity=True),
   "hl": {"estimate": median of all y-x, "interval": [D(k), D(nm+1-k)] or null}}  (brute force, numpy)
Exit status 3 with a message on stderr when numpy or scipy cannot be imported.
"""
import json
import math
import sys

try:
    import numpy as np
    from scipy import stats
except ImportError as error:  # the Swift test turns this into a skip or, under CI=true, a failure
    print(f"missing python module: {error.name}", file=sys.stderr)
    sys.exit(3)


def hodges_lehmann(x, y, level):
    """Median and distribution-free interval of all pairwise differences y - x, by enumerating them."""
    differences = np.sort(np.subtract.outer(np.asarray(y, dtype=np.int64), np.asarray(x, dtype=np.int64)).ravel())
    total = differences.size
    if total % 2:
        estimate = float(differences[total // 2])
    else:
        estimate = (float(differences[total // 2 - 1]) + float(differences[total // 2])) / 2
    n, m = len(x), len(y)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    k = math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12))
    interval = [int(differences[k - 1]), int(differences[total - k])] if k >= 1 else None
    return {"estimate": estimate, "interval": interval}


def main(path):
    with open(path) as handle:
        cases = json.load(handle)["cases"]
    results = []
    for case in cases:
        x, y = case["x"], case["y"]
        test = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method=case["method"])
        result = {"p": float(test.pvalue), "u1": float(test.statistic)}
        if case.get("hodges_lehmann"):
            result["hl"] = hodges_lehmann(x, y, case.get("confidence", 0.95))
        results.append(result)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
