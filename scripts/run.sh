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

# The models are incremental (docs/incremental.md): a build processes only new,
# changed and removed files. Rows built by other model code would stay as that
# code made them, so when the models, macros or seeds differ from the ones that
# built this database, every model is rebuilt (--full-refresh), once.
models_version=$(find models macros seeds dbt_project.yml -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1)
models_stamp="$BALANCE_SYNC_DB.models-version"
build_options=(--exclude-resource-type unit_test)
if [ "$(cat "$models_stamp" 2>/dev/null)" != "$models_version" ]; then
    echo "run: first build of this database with these models: rebuilding every model (--full-refresh)"
    # One model at a time: each large model of a full build uses every core and
    # DuckDB's whole memory limit, and side by side they spill to disk (1 GB of
    # logs on 2 cores: 72.7 s against 82.3 s with the profile's four threads).
    build_options+=(--full-refresh --threads 1)
fi
# Unit tests check the SQL, not the data: scripts/test.sh runs them; the main
# job runs every data test and contract.
.venv/bin/dbt build "${build_options[@]}" || {
    echo "run: dbt build failed; see the messages above (full log in logs/dbt.log)" >&2
    exit 1
}
echo "$models_version" > "$models_stamp"
echo "run: marts built in $BALANCE_SYNC_DB (SQL prompt: .venv/bin/duckdb \"$BALANCE_SYNC_DB\")"

if [ -x reports/scripts/build-and-serve.sh ]; then
    reports/scripts/build-and-serve.sh
fi
