"""Acceptance: an event counts once, however many files and folders bring it (issue 16, item 1).

Two DuckDB files are built from the real sample (../shared/data):

- **once**: the sample loaded and built;
- **overlapping**: the same sample loaded, then, in a second loader run, the sample again
  under another top folder (same bytes) and a quarter of its files re-gzipped (other bytes,
  same text) under a third top folder, then built.

Every mart but ``source_files`` (one row per file seen, so it lists the copies) must hold
exactly the same rows both ways (``except all`` in both directions, all columns); in
``source_files`` every event of a re-gzipped copy is counted as already known.

    .venv/bin/python -m pytest tests/acceptance/test_exactly_once.py
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = Path(os.environ.get("BALANCE_SYNC_SAMPLE", REPO.parent / "shared" / "data")) / "balance-sync-logs"
DBT = Path(sys.executable).with_name("dbt")
# marts whose grain is the input file, not the events in it
PER_FILE_MARTS = {"source_files"}

pytestmark = [pytest.mark.sample, pytest.mark.slow]


def _run(command: list[str], database: Path) -> None:
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command[:2]} failed:\n{(done.stdout + done.stderr)[-4000:]}"


def _load(database: Path, *paths: Path) -> None:
    _run([sys.executable, str(REPO / "scripts" / "load_logs.py"), "--progress", "plain", *map(str, paths)], database)


def _build(database: Path, work: Path) -> None:
    _run([str(DBT), "build", "--target-path", str(work / "target"), "--log-path", str(work / "logs")], database)


def _regzip_a_quarter(source: Path, destination: Path) -> list[str]:
    """Every 4th file of the sample, decompressed and gzipped again (other bytes), under ``destination``."""
    copied = []
    for number, path in enumerate(sorted(source.rglob("*.gz"))):
        if number % 4:
            continue
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        original = path.read_bytes()
        again = gzip.compress(gzip.decompress(original), compresslevel=1, mtime=0)
        assert again != original
        target.write_bytes(again)
        copied.append(str(target.relative_to(destination.parent)))
    return copied


def test_overlapping_exports_give_the_marts_of_one_export(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip(f"real sample logs not found at {SAMPLE}")
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "first" / "balance-sync-logs")
    shutil.copytree(SAMPLE, inputs / "again" / "balance-sync-logs-again")
    regzipped = _regzip_a_quarter(SAMPLE, inputs / "regzipped" / "balance-sync-logs-regzipped")
    assert regzipped

    # source_file starts with the name of the folder given (first/balance-sync-logs/...,
    # again/balance-sync-logs-again/..., regzipped/...), so the copies keep apart
    once = tmp_path / "once.duckdb"
    _load(once, inputs / "first")
    _build(once, tmp_path / "once")

    overlapping = tmp_path / "overlapping.duckdb"
    _load(overlapping, inputs / "first")
    _load(overlapping, inputs / "again", inputs / "regzipped")
    _build(overlapping, tmp_path / "overlapping")

    with duckdb.connect(str(once)) as connection:
        connection.execute(f"attach '{overlapping}' as overlapping (read_only)")
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "and table_catalog = current_database() order by table_name"
            ).fetchall()
        ]
        assert {"log_events", "transactions", "invocations", "users", "overdrafts"} <= set(tables)
        different = {}
        for table in tables:
            if table in PER_FILE_MARTS:
                continue
            rows = connection.execute(f"""
                (select 'once' as side, * from (select * from marts.{table}
                    except all select * from overlapping.marts.{table}))
                union all
                (select 'overlapping', * from (select * from overlapping.marts.{table}
                    except all select * from marts.{table}))
                limit 3
            """).fetchall()
            if rows:
                different[table] = rows
        assert not different, f"marts differ between one export and overlapping ones: {different}"

        # the same bytes again are rejected by the loader; the re-gzipped copies load (other
        # bytes) and every one of their events is already known
        copies = connection.execute("""
            select count(*), sum(event_count), sum(duplicate_event_count), sum(transaction_count)
            from overlapping.marts.source_files
            where source_file like 'regzipped/balance-sync-logs-regzipped/%' and status = 'loaded'
        """).fetchone()
        assert copies[0] == len(regzipped)
        assert copies[1] > 0 and copies[2] == copies[1] and copies[3] == 0
        # the first export owns every event: none of its events is a duplicate
        assert (
            connection.execute("""
            select sum(duplicate_event_count) from overlapping.marts.source_files
            where source_file like 'first/balance-sync-logs/%'
        """).fetchone()[0]
            == 0
        )
