#!/usr/bin/env python3
"""A DuckDB file of views over the lake's tables, so DuckDB readers (the reports, a SQL
prompt) query the Spark engine's tables as they query DuckDB's: ``marts.transactions`` is
a view over ``$BALANCE_SYNC_LAKE/warehouse/marts.db/transactions/*.parquet``.

    lake_views.py [--lake LAKE] DATABASE

Every ``<schema>.db/<table>/`` folder of the warehouse holding Parquet becomes the view
``<schema>.<table>``; views of tables gone from the lake are dropped. The views read the
files at query time, so the file is made once per lake and stays current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lakeloader.lake import default_lake  # noqa: E402


def lake_tables(lake: Path) -> dict[tuple[str, str], Path]:
    tables = {}
    for schema in sorted((lake / "warehouse").glob("*.db")):
        for table in sorted(schema.iterdir()):
            if table.is_dir() and not table.name.startswith(("_", ".")) and any(table.rglob("*.parquet")):
                tables[(schema.name[: -len(".db")], table.name)] = table
    return tables


def create_views(database: str, lake: Path) -> int:
    tables = lake_tables(lake)
    with duckdb.connect(database) as connection:
        existing = connection.execute(
            "select schema_name, view_name from duckdb_views() where not internal and database_name = current_database()"
        ).fetchall()
        for schema, view in existing:
            if (schema, view) not in tables:
                connection.execute(f'drop view "{schema}"."{view}"')
        for (schema, table), folder in tables.items():
            files = str(folder / "**" / "*.parquet").replace("'", "''")
            connection.execute(f'create schema if not exists "{schema}"')
            connection.execute(
                f'create or replace view "{schema}"."{table}" as '
                f"select * from read_parquet('{files}', hive_partitioning = false)"
            )
    return len(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="the DuckDB file to write the views in")
    parser.add_argument("--lake", default=default_lake(), help="the lake folder (default: %(default)s)")
    arguments = parser.parse_args(argv)
    count = create_views(arguments.database, Path(arguments.lake).resolve())
    print(f"{arguments.database}: {count} views over the tables of {arguments.lake}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
