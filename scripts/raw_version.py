#!/usr/bin/env python3
"""Print a digest of what the loader holds in a DuckDB file: every file's name, content hash and status.

scripts/run.sh compares it with the digest recorded after the last successful `dbt build`
to skip a build that would give the same marts. The file is attached read-only under a
fixed alias, so any file name works (one named like a schema, `raw.duckdb`, included).

  .venv/bin/python scripts/raw_version.py PATH.duckdb
"""

from __future__ import annotations

import hashlib
import os
import sys

import duckdb


def raw_version(database: str) -> str:
    """The sha256 of the sorted (source_file, sha256, status) rows of raw.log_files ("none" without the table)."""
    if not os.path.exists(database):
        return "none"
    connection = duckdb.connect()
    try:
        quoted = "'" + database.replace("'", "''") + "'"
        connection.execute(f"attach {quoted} as ledger (read_only)")
        (has_table,) = connection.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = 'ledger' and schema_name = 'raw' and table_name = 'log_files'"
        ).fetchone()
        if not has_table:
            return "none"
        digest = hashlib.sha256()
        rows = connection.execute(
            "select source_file, coalesce(sha256, ''), status from ledger.raw.log_files order by source_file"
        )
        while batch := rows.fetchmany(10_000):
            for row in batch:
                digest.update("\t".join(row).encode())
                digest.update(b"\n")
        return digest.hexdigest()
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    print(raw_version(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
