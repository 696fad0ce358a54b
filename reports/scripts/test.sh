#!/usr/bin/env bash
# Build the reports from the DuckDB file named by BALANCE_SYNC_DB and run the
# browser tests (node --test, playwright-core driving Debian's chromium) against it.
#   BALANCE_SYNC_DB=/abs/path.duckdb reports/scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
    echo "reports: no chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}; install it (apt-get install -y chromium, or scripts/setup.sh --browser)" >&2
    exit 1
fi
if [ ! -d node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
# format (prettier, the version pinned in package.json): fails on a file not formatted
if ! npm run --silent format:check; then
    echo "reports: files above are not formatted; run \`npm run format\` in reports/" >&2
    exit 1
fi
npm run --silent sources
log=.evidence/build.log
mkdir -p .evidence
if ! npm run --silent build >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "reports: build failed; full log in reports/$log" >&2
    exit 1
fi
npm test
