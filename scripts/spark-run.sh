#!/usr/bin/env bash
# The main job on Spark (docs/spark.md): scripts/run.sh hands over to this script when
# BALANCE_SYNC_ENGINE=spark, with its --no-serve choice and the paths it settled on.
#   scripts/spark-run.sh SERVE PATH ...     SERVE: 1 builds and serves the reports, 0 stops after the build
# Loads PATH into the lake ($BALANCE_SYNC_LAKE, default lake/) with the reading in Spark tasks,
# builds the models with `dbt build --target spark` on $SPARK_MASTER (default local[2]), then
# writes $BALANCE_SYNC_LAKE/balance_sync.duckdb, a DuckDB file of views over the lake's tables,
# from which the reports build unchanged (run.sh's BALANCE_SYNC_DB, DuckDB's own file, is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."
serve=$1
shift
scripts/setup.sh --spark
source scripts/spark-env.sh
export BALANCE_SYNC_DB=$BALANCE_SYNC_LAKE/balance_sync.duckdb
echo "run: Spark engine on $SPARK_MASTER, lake $BALANCE_SYNC_LAKE"

.venv/bin/python scripts/load_lake.py --lake "$BALANCE_SYNC_LAKE" --master "$SPARK_MASTER" "$@"
# Spark's tables are Parquet files: every build writes every model whole (--full-refresh).
# dbt's default selector (selectors.yml) leaves the unit tests to scripts/test.sh.
.venv/bin/dbt build --target spark --full-refresh || {
    echo "run: dbt build on Spark failed; see the messages above (full log in logs/dbt.log)" >&2
    exit 1
}
.venv/bin/python scripts/lake_views.py --lake "$BALANCE_SYNC_LAKE" "$BALANCE_SYNC_DB"
echo "run: marts built in $BALANCE_SYNC_LAKE/warehouse (SQL prompt over them: .venv/bin/duckdb \"$BALANCE_SYNC_DB\")"

if [ "$serve" = 1 ] && [ -x reports/scripts/build-and-serve.sh ]; then
    reports/scripts/build-and-serve.sh
fi
