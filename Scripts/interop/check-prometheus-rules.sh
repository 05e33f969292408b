#!/usr/bin/env bash
# check-prometheus-rules.sh: promtool checks the sample Prometheus config, alert rules (with unit tests) and
# every PromQL expression of the sample Grafana dashboard. Run by Scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../../Samples/Prometheus"
if ! command -v promtool >/dev/null 2>&1; then
    echo "error: promtool is missing (Debian package prometheus); Scripts/ensure-tools.sh installs it" >&2
    exit 1
fi
promtool check config prometheus.yml
promtool test rules alerts_test.yml
# The dashboard's queries, as recording rules, so promtool parses each one.
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
python3 - "$rules" <<'PY'
import json, sys
dashboard = json.load(open("grafana-dashboard.json"))
exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
assert exprs, "the dashboard has no queries"
with open(sys.argv[1], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, expr in enumerate(exprs):
        out.write(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(expr)}\n")
print(f"{len(exprs)} dashboard queries extracted")
PY
promtool check rules "$rules"
