"""The lake's raw tables equal the DuckDB loader's, row for row, on a fixed subset of the real
sample with bad files added, loaded on a real Spark standalone cluster; a second run adds
nothing; changed, new and gone (retired) files give the same tables on both sides again."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from lakeloader.lake import Lake
from lakeloader.load import load_lake

from logloader.load import Options, load_paths

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "balance-sync-logs"
OLD_MTIME_NS = 1_700_000_000 * 10**9
FILE_COLUMNS = (
    "source_file, location, sha256, size_bytes, line_count, status, "
    "regexp_replace(error, '^retired on .+? UTC', 'retired on (the day)') as error, has_invalid_utf8, "
    "mtime_ns, zip_crc32, zip_date_time"
)
EVENT_COLUMNS = "source_file, event_number_in_file, line_number, last_line_number, line_count, event_text"

pytestmark = [pytest.mark.sample, pytest.mark.slow]


@pytest.fixture(scope="module")
def spark(spark_master: str, tmp_path_factory: pytest.TempPathFactory):
    """A driver session on the cluster, able to run the loader's code in its tasks; stopped
    with this module, so the next application gets the cluster's cores."""
    from lakeloader.load import spark_session

    session = spark_session(spark_master, Lake(tmp_path_factory.mktemp("spark-session")))
    try:
        yield session
    finally:
        session.stop()


def sample_subset(root: Path, every: int = 12, bad_files: bool = True) -> Path:
    """Every ``every``-th file of the sample (sorted paths: a fixed subset), plus bad files:
    a truncated gzip, an empty file, binary data and a second copy of a file's bytes."""
    if not SAMPLE.is_dir():
        pytest.skip(f"the real sample is not in {SAMPLE}")
    logs = root / "balance-sync-logs"
    files = sorted(path for path in SAMPLE.rglob("*") if path.is_file())[::every]
    for path in files:
        target = logs / path.relative_to(SAMPLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    if not bad_files:
        return logs
    bad = logs / "bad"
    bad.mkdir()
    whole = files[0].read_bytes()
    (bad / "truncated.gz").write_bytes(whole[: len(whole) // 2])
    (bad / "empty.log").write_bytes(b"")
    (bad / "image.png").write_bytes(bytes(range(256)) * 64)
    (bad / "copy-of-first.gz").write_bytes(whole)
    for path in bad.iterdir():
        os.utime(path, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return logs


def differences(database: Path, lake: Lake) -> dict[str, int]:
    """Rows of each raw table found on one side only (except all, both ways)."""
    events = f"read_parquet('{lake.events_dir}/*.parquet')"
    files = f"read_parquet('{lake.files_dir}/*.parquet')"
    with duckdb.connect(str(database), read_only=True) as connection:

        def count(sql: str) -> int:
            return connection.execute(f"select count(*) from ({sql})").fetchone()[0]

        return {
            "events only in DuckDB": count(
                f"select {EVENT_COLUMNS} from raw.log_events except all select {EVENT_COLUMNS} from {events}"
            ),
            "events only in the lake": count(
                f"select {EVENT_COLUMNS} from {events} except all select {EVENT_COLUMNS} from raw.log_events"
            ),
            "files only in DuckDB": count(
                f"select {FILE_COLUMNS} from raw.log_files except all select {FILE_COLUMNS} from {files}"
            ),
            "files only in the lake": count(
                f"select {FILE_COLUMNS} from {files} except all select {FILE_COLUMNS} from raw.log_files"
            ),
            "events in the lake": count(f"select * from {events}"),
        }


def lake_files(lake: Lake) -> dict[str, bytes]:
    return {str(path.relative_to(lake.raw)): path.read_bytes() for path in sorted(lake.raw.rglob("*.parquet"))}


def test_the_lake_equals_duckdb_row_for_row_and_a_second_run_adds_nothing(spark, tmp_path: Path) -> None:
    logs = sample_subset(tmp_path / "input")
    database = tmp_path / "loaded.duckdb"
    lake = Lake(tmp_path / "lake")
    warnings: list[str] = []
    # a small hold limit, so some files go through the streamed path in their tasks too
    lake_run = load_lake([str(logs)], str(lake.root), spark=spark, warn=warnings.append, hold_bytes=64 * 1024)
    duckdb_run = load_paths([str(logs)], str(database), warn=lambda message: None)

    assert (lake_run.loaded, lake_run.rejected) == (duckdb_run.loaded, duckdb_run.rejected)
    assert lake_run.rejected == 4 and lake_run.loaded > 100
    assert sorted(lake_run.rejections) == sorted(duckdb_run.rejections)
    assert any("bad/copy-of-first.gz" in warning and "same bytes as" in warning for warning in warnings)
    found = differences(database, lake)
    assert found["events in the lake"] > 5_000
    assert {name: rows for name, rows in found.items() if name != "events in the lake" and rows} == {}

    before = lake_files(lake)
    again = load_lake([str(logs)], str(lake.root), spark=spark, warn=warnings.append)
    assert (again.loaded, again.rejected, again.skipped) == (0, 0, lake_run.loaded + lake_run.rejected)
    assert lake_files(lake) == before, "a second run with nothing new changed the lake"
    assert not (lake.raw / "_staging").exists() and not lake.journal.exists()


def test_changed_and_new_files_keep_the_lake_equal_to_duckdb(spark, tmp_path: Path) -> None:
    logs = sample_subset(tmp_path / "input", every=40)
    database = tmp_path / "loaded.duckdb"
    lake = Lake(tmp_path / "lake")
    load_lake([str(logs)], str(lake.root), spark=spark, warn=lambda message: None)
    load_paths([str(logs)], str(database), warn=lambda message: None)

    streams = sorted(path for path in logs.rglob("*.gz") if "bad" not in path.parts)
    changed, emptied = streams[0], streams[1]
    text = gzip.decompress(changed.read_bytes()).splitlines(keepends=True)
    changed.write_bytes(gzip.compress(b"".join(text[: len(text) // 2])))  # fewer events
    emptied.write_bytes(b"")  # a loaded file now rejected: its rows go
    gone = streams[2]
    gone.unlink()  # retired (--retire-missing): its rows go, its books row says why
    fresh = logs / "new-export" / "000000.gz"
    fresh.parent.mkdir()
    fresh.write_bytes(gzip.compress(b"".join(text), mtime=0))  # the same text, other bytes: a new file
    (logs / "bad" / "empty.log").write_bytes(b"2024-01-01T00:00:00.000Z now a log line\n")
    for path in (changed, emptied, fresh, logs / "bad" / "empty.log"):
        os.utime(path, ns=(OLD_MTIME_NS + 10**9, OLD_MTIME_NS + 10**9))

    retire = Options(retire_missing=True)
    lake_run = load_lake([str(logs)], str(lake.root), retire, spark=spark, warn=lambda message: None)
    duckdb_run = load_paths([str(logs)], str(database), retire, warn=lambda message: None)
    assert (lake_run.loaded, lake_run.rejected) == (duckdb_run.loaded, duckdb_run.rejected) == (3, 1)
    assert (lake_run.retired, lake_run.replaced) == (duckdb_run.retired, duckdb_run.replaced) == (1, 1)
    found = differences(database, lake)
    assert {name: rows for name, rows in found.items() if name != "events in the lake" and rows} == {}
