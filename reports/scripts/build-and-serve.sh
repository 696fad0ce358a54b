#!/usr/bin/env bash
# Build the reports from the DuckDB file named by BALANCE_SYNC_DB (default:
# balance_sync.duckdb in the repo root) and serve them on 127.0.0.1 (port
# REPORTS_PORT, default 4173), printing the address. Ctrl-C stops the server.
#   BALANCE_SYNC_DB=/abs/path.duckdb reports/scripts/build-and-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
    echo "reports: installing npm packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent sources
log=.evidence/build.log
echo "reports: building the static site (log: reports/$log)"
mkdir -p .evidence
if ! npm run --silent build >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "reports: build failed; full log in reports/$log" >&2
    exit 1
fi
exec npm run --silent serve
