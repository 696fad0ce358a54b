"""Every mart built on Spark (dbt build --target spark, data tests included, on the started
cluster, from the lake the Spark loader wrote) equals the same mart built on DuckDB from the
DuckDB loader's tables, row for row and column for column (except all, both ways; money compared
as exact decimals), on a fixed subset of the real sample with bad files (test_lake_loader's
sample_subset: every 12th file, 115 files, plus 4 bad ones), then again after new files
(every 48th file from the 7th on: 29 more), DuckDB building incrementally.

MODELS: every mart (marts.transactions, a view on DuckDB, is a table on Spark), by schema.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from lakeloader.lake import Lake
from lakeloader.load import load_lake
from test_lake_loader import SAMPLE, sample_subset

from logloader.load import load_paths

REPO = Path(__file__).resolve().parents[2]
DBT = REPO / ".venv" / "bin" / "dbt"
MARTS = (
    "anomalies continuity_break_causes daily_activity failures invocations log_events money_summary "
    "monthly_activity monthly_balances monthly_vat overdrafts reconciliation_issues "
    "service_metric_reconciliation service_metrics source_files sync_mismatches transactions users"
).split()
MODELS = {mart: "marts" for mart in MARTS}

pytestmark = [pytest.mark.sample, pytest.mark.slow]


def dbt(*arguments: str, environment: dict[str, str], work: Path) -> None:
    completed = subprocess.run(
        [str(DBT), *arguments, "--target-path", str(work / "target"), "--log-path", str(work / "dbt-logs")],
        cwd=REPO,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, f"dbt {' '.join(arguments)} failed:\n{completed.stdout[-6000:]}"


def differences(database: Path, lake: Lake) -> tuple[dict[str, tuple[int, int]], int]:
    """Rows of each model on one engine only (DuckDB, Spark), and the rows compared in all."""
    found: dict[str, tuple[int, int]] = {}
    compared = 0
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set timezone = 'UTC'")
        for model, schema in MODELS.items():
            on_spark = f"read_parquet('{lake.root}/warehouse/{schema}.db/{model}/*.parquet')"
            columns = connection.execute(f"describe {schema}.{model}").fetchall()
            spark_columns = [name for name, *_ in connection.execute(f"describe select * from {on_spark}").fetchall()]
            assert [name for name, *_ in columns] == spark_columns, f"{model}: other columns on Spark"
            # the same value in the type DuckDB built (Spark writes timestamps in UTC); loaded_at is
            # when each loader read the file, so it differs by nature
            select = ", ".join(
                f'cast("{name}" as {kind}) as "{name}"' for name, kind, *_ in columns if name != "loaded_at"
            )
            duckdb_rows = f"select {select} from {schema}.{model}"
            spark_rows = f"select {select} from {on_spark}"

            def count(sql: str) -> int:
                return connection.execute(f"select count(*) from ({sql})").fetchone()[0]

            found[model] = (
                count(f"{duckdb_rows} except all {spark_rows}"),
                count(f"{spark_rows} except all {duckdb_rows}"),
            )
            compared += count(duckdb_rows)
    return found, compared


def build_both(lake: Lake, database: Path, spark_master: str, work: Path) -> None:
    """The main job's build on each engine (scripts/spark-run.sh, scripts/run.sh): models and data
    tests; Spark's whole, DuckDB's incremental after its first build."""
    dbt(
        "build",
        "--target",
        "spark",
        "--full-refresh",
        work=work / "spark",
        environment={"BALANCE_SYNC_LAKE": str(lake.root), "SPARK_MASTER": spark_master},
    )
    dbt(
        "build",
        work=work / "duckdb",
        environment={"BALANCE_SYNC_DB": str(database)},
    )


def test_every_mart_on_spark_equals_duckdb_and_again_after_new_files(spark_master: str, tmp_path: Path) -> None:
    logs = sample_subset(tmp_path / "input")
    lake = Lake(tmp_path / "lake")
    database = tmp_path / "built.duckdb"
    quiet = {"warn": lambda message: None}
    load_lake([str(logs)], str(lake.root), master=spark_master, **quiet)
    load_paths([str(logs)], str(database), **quiet)
    build_both(lake, database, spark_master, tmp_path)

    found, compared = differences(database, lake)
    assert compared > 5_000, f"too few rows to compare ({compared})"
    assert {model: rows for model, rows in found.items() if rows != (0, 0)} == {}, "rows on one engine only"

    # new files (other files of the sample), loaded by both loaders and built again
    for path in sorted(path for path in SAMPLE.rglob("*") if path.is_file())[6::48]:
        target = logs / path.relative_to(SAMPLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    load_lake([str(logs)], str(lake.root), master=spark_master, **quiet)
    load_paths([str(logs)], str(database), **quiet)
    build_both(lake, database, spark_master, tmp_path)

    found, again = differences(database, lake)
    assert again > compared, "the new files added no rows"
    assert {model: rows for model, rows in found.items() if rows != (0, 0)} == {}, "rows on one engine only"
