#!/usr/bin/env bash
# The main job, from a fresh clone: install, load the logs, build the marts,
# build and serve the reports.
#   scripts/run.sh [--no-serve] [PATH ...]
# PATH: folders, .zip files or single log files. Without one it loads what is
# in data/; when data/ is empty, the real sample logs in ../shared/data where
# that folder exists (a developer's checkout), else generated sample logs
# (scripts/generate_logs.py).
# --no-serve: stop after the build (for scheduled runs); the reports are not built.
# The DuckDB file is $BALANCE_SYNC_DB (default: balance_sync.duckdb here).
# BALANCE_SYNC_ENGINE=spark runs the same job on Apache Spark (docs/spark.md).
set -euo pipefail
cd "$(dirname "$0")/.."

serve=1
paths=()
for argument in "$@"; do
    case "$argument" in
        --no-serve) serve=0 ;;
        -h | --help)
            sed -n '2,10s/^# \{0,1\}//p' "$0"
            exit 0
            ;;
        *) paths+=("$argument") ;;
    esac
done

scripts/setup.sh

export BALANCE_SYNC_DB=${BALANCE_SYNC_DB:-$PWD/balance_sync.duckdb}
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

# The Spark engine (BALANCE_SYNC_ENGINE=spark; docs/spark.md): the same job on Spark.
if [ "${BALANCE_SYNC_ENGINE:-duckdb}" = spark ]; then
    exec scripts/spark-run.sh "$serve" "${paths[@]}"
elif [ "${BALANCE_SYNC_ENGINE:-duckdb}" != duckdb ]; then
    echo "run: BALANCE_SYNC_ENGINE must be duckdb (the default) or spark, not '$BALANCE_SYNC_ENGINE'" >&2
    exit 2
fi

.venv/bin/python scripts/load_logs.py "${paths[@]}"

# What the build depends on: the model code (models, macros, seeds, project
# file) and the raw tables' list of files with their content hashes and statuses.
models_version=$(find models macros seeds dbt_project.yml -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -d' ' -f1)
raw_version=$(.venv/bin/python scripts/raw_version.py "$BALANCE_SYNC_DB")
build_record="$BALANCE_SYNC_DB.last-build"
models_stamp="$BALANCE_SYNC_DB.models-version"

if [ "$(cat "$build_record" 2>/dev/null)" = "$models_version $raw_version" ]; then
    # The last build of these raw tables with this model code passed (the
    # record is written only then): building again would give the same marts.
    echo "run: nothing new since the last successful build; marts are up to date in $BALANCE_SYNC_DB"
else
    build_options=()
    if [ "$(cat "$models_stamp" 2>/dev/null)" != "$models_version" ]; then
        # Incremental models keep rows built by earlier model code: after a
        # change of models, macros or seeds every model is rebuilt, once, one
        # at a time (each large model of a full build uses every core and the
        # whole DuckDB memory limit).
        echo "run: first build of this database with these models: rebuilding every model (--full-refresh)"
        build_options+=(--full-refresh --threads 1)
    fi
    # dbt's default selector (selectors.yml): every data test and contract,
    # no unit tests (they check the SQL, not the data; scripts/test.sh runs them).
    rm -f "$build_record"
    .venv/bin/dbt build "${build_options[@]}" || {
        echo "run: dbt build failed; see the messages above (full log in logs/dbt.log)" >&2
        exit 1
    }
    echo "$models_version" >"$models_stamp"
    echo "$models_version $raw_version" >"$build_record"
    echo "run: marts built in $BALANCE_SYNC_DB (SQL prompt: .venv/bin/duckdb \"$BALANCE_SYNC_DB\")"
fi

if [ "$serve" = 1 ] && [ -x reports/scripts/build-and-serve.sh ]; then
    reports/scripts/build-and-serve.sh
fi
