"""The models built on Spark (dbt build --target spark, on the started cluster, from the
lake the Spark loader wrote) equal the same models built on DuckDB from the DuckDB loader's
tables, row for row and column for column (except all, both ways; money compared as exact
decimals), on a fixed subset of the real sample with bad files.

MODELS lists the models that run on Spark so far (docs/spark.md, "What runs on Spark").
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from lakeloader.lake import Lake
from lakeloader.load import load_lake
from test_lake_loader import sample_subset

from logloader.load import load_paths

REPO = Path(__file__).resolve().parents[2]
DBT = REPO / ".venv" / "bin" / "dbt"
MODELS = {"int_log_events_classified": "intermediate", "int_transactions_parsed": "intermediate"}

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


def test_models_on_spark_equal_duckdb(spark_master: str, tmp_path: Path) -> None:
    logs = sample_subset(tmp_path / "input")
    lake = Lake(tmp_path / "lake")
    database = tmp_path / "built.duckdb"
    load_lake([str(logs)], str(lake.root), master=spark_master, warn=lambda message: None)
    load_paths([str(logs)], str(database), warn=lambda message: None)

    selection = " ".join(f"+{model}" for model in MODELS)
    dbt(
        "run",
        "--target",
        "spark",
        "--full-refresh",
        "--select",
        selection,
        work=tmp_path / "spark",
        environment={"BALANCE_SYNC_LAKE": str(lake.root), "SPARK_MASTER": spark_master},
    )
    dbt(
        "run",
        "--full-refresh",
        "--select",
        selection,
        work=tmp_path / "duckdb",
        environment={"BALANCE_SYNC_DB": str(database)},
    )

    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set timezone = 'UTC'")
        for model, schema in MODELS.items():
            on_spark = f"read_parquet('{lake.root}/warehouse/{schema}.db/{model}/*.parquet')"
            columns = connection.execute(f"describe {schema}.{model}").fetchall()
            spark_types = dict(
                connection.execute(
                    f"select column_name, column_type from (describe select * from {on_spark})"
                ).fetchall()
            )
            assert [name for name, *_ in columns] == list(spark_types), f"{model}: other columns on Spark"
            # the same value in the type DuckDB built (Spark writes timestamps in UTC, integers as int32)
            select = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind, *_ in columns)
            duckdb_rows = f"select {select} from {schema}.{model}"
            spark_rows = f"select {select} from {on_spark}"
            only_duckdb = connection.execute(
                f"select count(*) from ({duckdb_rows} except all {spark_rows})"
            ).fetchone()[0]
            only_spark = connection.execute(f"select count(*) from ({spark_rows} except all {duckdb_rows})").fetchone()[
                0
            ]
            total = connection.execute(f"select count(*) from {schema}.{model}").fetchone()[0]
            assert total > 1_000, f"{model}: too few rows to compare ({total})"
            assert (only_duckdb, only_spark) == (0, 0), f"{model}: rows on one engine only (DuckDB, Spark)"
