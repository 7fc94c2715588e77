#!/usr/bin/env bash
# Re-vendor plotly.js's official "basic" partial bundle (scatter, bar, pie) from the npm registry,
# at the plotly.js version the installed Python plotly bundles (or the version given):
#   bash pytest_plugin/scripts/vendor-plotly.sh [VERSION]
# then update VENDORED_PLOTLYJS in src/pytest_releasekit/htmlreport.py.
set -euo pipefail
version=${1:-$(python -c "from plotly.offline import get_plotlyjs_version as v; print(v())")}
static="$(cd "$(dirname "$0")/.." && pwd)/src/pytest_releasekit/static"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-basic-dist-min@$version" >/dev/null && tar xzf ./*.tgz)
cp "$work/package/plotly-basic.min.js" "$static/plotly-basic.min.js"
cp "$work/package/LICENSE" "$static/plotly-basic.LICENSE"
head -c 200 "$static/plotly-basic.min.js" | grep -o "v[0-9.]*" | head -1
