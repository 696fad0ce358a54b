#!/usr/bin/env bash
# Every test of the project, from a fresh clone (CI runs this through .ci/run):
#   0. ruff: lint and format check of every Python file (ruff.toml);
#   1. pytest: the loader, the generator, the acceptance figures on ../shared/data
#      (skipped with a message where that folder is absent);
#   2. dbt: unit tests, data tests and contracts, on generated logs; then
#      sqlfluff, the SQL lint (.sqlfluff), compiling through dbt against those marts;
#   3. the reports: built from those marts and driven in headless chromium.
# The Spark engine is installed too (Java 17, dbt-spark, pyspark), so pytest runs
# tests/spark on a Spark standalone cluster it starts and stops (docs/spark.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser --spark

work=$(mktemp -d -t balance-sync-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== ruff (lint, then format check; fix with .venv/bin/ruff check --fix . && .venv/bin/ruff format .)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
status=0
.venv/bin/python -m pytest || status=$?
if [ "$status" -eq 5 ]; then
    echo "pytest collected no test" >&2
    exit 1
elif [ "$status" -ne 0 ]; then
    exit "$status"
fi

echo "== dbt build (unit tests, data tests, contracts) on generated logs"
export BALANCE_SYNC_DB="$work/generated.duckdb"
.venv/bin/python scripts/generate_logs.py --out "$work/logs" --seed 7
.venv/bin/python scripts/load_logs.py --progress plain "$work/logs/balance-sync-logs"
.venv/bin/dbt build --selector everything --target-path "$work/target" --log-path "$work/logs-dbt"
.venv/bin/dbt docs generate --target-path "$work/target" --log-path "$work/logs-dbt" --quiet

echo "== sqlfluff: lint of the dbt project's SQL (.sqlfluff; fix with .venv/bin/sqlfluff fix models tests)"
.venv/bin/sqlfluff lint models tests --processes 2

if [ -x reports/scripts/test.sh ]; then
    echo "== reports: build and browser tests"
    reports/scripts/test.sh
fi
echo "all tests passed"
