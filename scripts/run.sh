#!/usr/bin/env bash
# The main job, from a fresh clone: install, load the logs, build the marts,
# build and serve the reports.
#   scripts/run.sh [PATH ...]
# PATH: folders, .zip files or single log files. Without one it loads what is
# in data/; when data/ is empty, the real sample logs in ../shared/data where
# that folder exists (a developer's checkout), else generated sample logs
# (scripts/generate_logs.py).
# The DuckDB file is $BALANCE_SYNC_DB (default: balance_sync.duckdb here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export BALANCE_SYNC_DB=${BALANCE_SYNC_DB:-$PWD/balance_sync.duckdb}
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
    shopt -s nullglob dotglob
    for entry in data/*; do
        [ "$(basename "$entry")" = README.md ] || paths+=("$entry")
    done
    shopt -u dotglob
fi
if [ ${#paths[@]} -eq 0 ] && [ -d ../shared/data/balance-sync-logs ]; then
    echo "run: data/ is empty, so loading the sample logs in ../shared/data (drop your own logs in data/)"
    paths=(../shared/data)
fi
if [ ${#paths[@]} -eq 0 ]; then
    echo "run: data/ is empty, so generating sample logs in .sample-logs/ (drop your own logs in data/)"
    .venv/bin/python scripts/generate_logs.py --out .sample-logs
    paths=(.sample-logs/balance-sync-logs)
fi

.venv/bin/python scripts/load_logs.py "${paths[@]}"
# Unit tests check the SQL, not the data: scripts/test.sh runs them; the main
# job runs every data test and contract.
.venv/bin/dbt build --exclude-resource-type unit_test || {
    echo "run: dbt build failed; see the messages above (full log in logs/dbt.log)" >&2
    exit 1
}
echo "run: marts built in $BALANCE_SYNC_DB (SQL prompt: .venv/bin/duckdb \"$BALANCE_SYNC_DB\")"

if [ -x reports/scripts/build-and-serve.sh ]; then
    reports/scripts/build-and-serve.sh
fi
