"""The raw DuckDB tables and the writes to them, atomic per file.

Events are written as they come (a group of files at a time, or a piece of a
big file) into a transaction that is committed after whole files only: a kill
at any moment leaves every file either fully loaded or absent. A changed file
(same path, new sha256) has its old rows deleted in the same transaction that
adds the new ones. The statements run on a writer thread, in order, while the
caller goes on (DuckDB releases the GIL): compressing and writing the text is
about half of a load's work, and it never waits for the caller's bookkeeping.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from .errors import DatabaseBusy
from .events import EVENT_COLUMNS, Part, cut_events, large_offsets

SCHEMA_SQL = """
create schema if not exists raw;
create table if not exists raw.log_files (
    source_file varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    line_count bigint not null,
    loaded_at timestamp not null,
    status varchar not null check (status in ('loaded', 'rejected')),
    error varchar,
    has_invalid_utf8 boolean not null,
    mtime_ns bigint,
    zip_crc32 bigint,
    zip_date_time varchar
);
-- databases written before these columns existed
alter table raw.log_files add column if not exists mtime_ns bigint;
alter table raw.log_files add column if not exists zip_crc32 bigint;
alter table raw.log_files add column if not exists zip_date_time varchar;
create table if not exists raw.log_events (
    source_file varchar not null,
    event_number_in_file bigint not null,
    line_number bigint not null,
    last_line_number bigint not null,
    line_count bigint not null,
    event_text varchar not null
);
"""

FILE_COLUMNS = (
    "source_file",
    "sha256",
    "size_bytes",
    "line_count",
    "loaded_at",
    "status",
    "error",
    "has_invalid_utf8",
    "mtime_ns",
    "zip_crc32",
    "zip_date_time",
)
FILE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("line_count", pa.int64()),
        ("loaded_at", pa.timestamp("us")),
        ("status", pa.string()),
        ("error", pa.string()),
        ("has_invalid_utf8", pa.bool_()),
        ("mtime_ns", pa.int64()),
        ("zip_crc32", pa.int64()),
        ("zip_date_time", pa.string()),
    ]
)
# What tells a file is unchanged without reading it: (size_bytes, mtime_ns, zip_crc32, zip_date_time).
Fingerprint = tuple[int, "int | None", "int | None", "str | None"]
REFRESH_COLUMNS = ("source_file", "mtime_ns", "zip_crc32", "zip_date_time")
REFRESH_SCHEMA = pa.schema([(name, FILE_SCHEMA.field(name).type) for name in REFRESH_COLUMNS])
# Events travel to DuckDB as Arrow record batches cut by the worker processes
# (logloader.workers), one batch per group of files; DuckDB reads them in place.
INSERT_EVENTS_SQL = (
    f"insert into raw.log_events ({', '.join(EVENT_COLUMNS)}) select {', '.join(EVENT_COLUMNS)} from events"
)
# The raw.log_lines of an older loader is read in batches of this many lines (sorted by
# DuckDB within this much memory) and cut this many files at a time.
MIGRATION_BATCH_LINES = 1_000_000
MIGRATION_MEMORY = "1GB"
MIGRATION_FILES = 256
# DuckDB's memory limit when BALANCE_SYNC_MEMORY_LIMIT is not set; profiles.yml has the same default.
DEFAULT_MEMORY_LIMIT = "1300MB"
# DuckDB compression methods left out when BALANCE_SYNC_DISABLED_COMPRESSION is not set (profiles.yml
# has the same default): FSST made inserting the log text about a third slower for a file about half
# the size (measured: 314 MB of events inserted in 4.2 s with it, 2.9 s without; 158 MB and 272 MB).
DEFAULT_DISABLED_COMPRESSION = "fsst"
# Writes waiting for the writer thread (each holds about cli.WRITE_BYTES of events) before the caller waits.
WRITES_AHEAD = 4


@dataclass(frozen=True)
class KnownFile:
    """A file's row in raw.log_files as the run found it."""

    sha256: str
    status: str
    size_bytes: int = -1
    fingerprint: Fingerprint | None = None  # (size_bytes, mtime_ns, zip_crc32, zip_date_time); None: unknown

    def is_unchanged(self, fingerprint: Fingerprint | None) -> bool:
        """True when the file is known unchanged without reading it (same size and date, or zip CRC-32)."""
        return fingerprint is not None and self.fingerprint == fingerprint


def connect(database: str, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to ``wait_seconds`` for another writer to finish."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection = duckdb.connect(database)
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{database} is in use by another process (another loader or dbt run?); "
                    "wait for it to finish, or pass --wait SECONDS to wait for it"
                ) from error
            time.sleep(0.5)
    # The same memory limit as dbt's (profiles.yml): without one DuckDB keeps
    # what it wrote cached up to 80 % of the RAM, and the loader's resident
    # memory grows with the input (3.8 GB for 3 GB of logs).
    connection.execute("set memory_limit = ?", [os.environ.get("BALANCE_SYNC_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT])
    # "" (the variable set but empty) turns every method back on, as in dbt
    connection.execute(
        "set disabled_compression_methods = ?",
        [os.environ.get("BALANCE_SYNC_DISABLED_COMPRESSION", DEFAULT_DISABLED_COMPRESSION)],
    )
    connection.execute(SCHEMA_SQL)
    migrate_log_lines(connection)
    # One DuckDB thread: the loader's worker processes use the other cores, and a parallel
    # insert costs more CPU in all (measured at 1 GB on 2 cores: 18.0 s with 2 threads, 14.0 s with 1).
    connection.execute("set threads = 1")
    return connection


def migrate_log_lines(connection: duckdb.DuckDBPyConnection) -> int:
    """Turn the raw.log_lines table of an older loader into raw.log_events (same cut as a load),
    then drop it, in one transaction; return the number of files migrated (0: nothing to do).

    One pass over the lines sorted by file and line (DuckDB sorts within MIGRATION_MEMORY,
    spilling past it), read in record batches on a second cursor; complete files are cut
    MIGRATION_FILES at a time (a file that runs past a batch waits for the next one)."""
    (exists,) = connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'log_lines'"
    ).fetchone()
    if not exists:
        return 0
    (memory_limit,) = connection.execute("select current_setting('memory_limit')").fetchone()
    connection.execute(f"set memory_limit = '{MIGRATION_MEMORY}'")
    reader = connection.cursor()
    connection.execute("begin transaction")
    try:
        batches = reader.execute(
            "select source_file, line from raw.log_lines order by source_file, line_number"
        ).to_arrow_reader(MIGRATION_BATCH_LINES)
        migrated = 0
        pending: pa.Table | None = None  # lines of the files not cut yet
        for batch in itertools.chain(batches, [None]):
            if batch is not None:
                batch_table = pa.Table.from_batches([batch])
                pending = batch_table if pending is None else pa.concat_tables([pending, batch_table])
                if pending.num_rows == 0:
                    continue
            if pending is None:
                break
            runs = pc.run_end_encode(pending.column("source_file").combine_chunks())
            names, run_ends = runs.values.to_pylist(), runs.run_ends.to_pylist()
            complete = len(names) if batch is None else len(names) - 1  # the last file may go on
            for first in range(0, complete, MIGRATION_FILES):
                last = min(first + MIGRATION_FILES, complete)
                start = run_ends[first - 1] if first else 0
                _insert_migrated(connection, pending.slice(start, run_ends[last - 1] - start),
                                 names[first:last], run_ends[first:last], start)
            migrated += complete
            done = run_ends[complete - 1] if complete else 0
            pending = pending.slice(done) if batch is not None else None
        reader.close()
        connection.execute("drop table raw.log_lines")
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        connection.execute(f"set memory_limit = '{memory_limit}'")
    return migrated


def _insert_migrated(connection: duckdb.DuckDBPyConnection, lines: pa.Table, names: list[str],
                     run_ends: list[int], start: int) -> None:
    """Cut whole files' lines (sorted; ``run_ends`` counted from ``start``) into raw.log_events."""
    counts = [end - begin for begin, end in zip([start, *run_ends], run_ends)]
    # every line followed by "\n", in one buffer: the files' text as the loader cuts it
    ended = pc.binary_join_element_wise(
        lines.column("line").combine_chunks().cast(pa.large_string()),
        pa.scalar("", pa.large_string()),
        pa.scalar("\n", pa.large_string()),
    )
    offsets = large_offsets(ended)
    begin, end = offsets[0].as_py(), offsets[-1].as_py()
    buffer = ended.buffers()[2].slice(begin, end - begin).to_pybytes()
    events, _ = cut_events(buffer, [Part(index, count) for index, count in enumerate(counts)], names)  # noqa: F841
    connection.execute(INSERT_EVENTS_SQL)


class _Writer:
    """Runs jobs (DuckDB statements) on one thread, in the order given; at most WRITES_AHEAD
    wait. The first job that fails stops the rest; its error is raised to the caller."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=WRITES_AHEAD)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="write-duckdb", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        self._raise()
        self._jobs.put(job)

    def finish(self) -> None:
        """Run every job submitted, end the thread; raise the first error."""
        self._jobs.put(None)
        self._thread.join()
        self._raise()

    def stop(self) -> None:
        """Drop the waiting jobs, interrupt the running one, end the thread."""
        self._error = self._error or _Stopped()
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._connection.interrupt()
        self._jobs.put(None)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                if self._error is None:
                    job()
            except BaseException as error:  # handed to the caller
                self._error = error


class _Stopped(Exception):
    """The writer was stopped (the load failed or was interrupted)."""


class RawStore:
    """Buffers whole files and writes them to ``raw`` in file-atomic transactions.

    :meth:`known_files` first; then the writes, which go to the writer thread;
    :meth:`close` (after a last :meth:`commit`) or :meth:`rollback` last."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, loaded_at: datetime) -> None:
        self._connection = connection
        self._loaded_at = loaded_at
        self._files: list[tuple] = []  # rows of raw.log_files, FILE_COLUMNS
        # Buffered events: [batch, start, stop] row ranges; consecutive files of a group's batch
        # make one range. _file_start: where the current file began (ranges kept, stop of the last).
        self._events: list[list] = []
        self._replaced: list[str] = []
        self._flushed_partial: set[str] = set()
        self._in_transaction = False
        self._file_start: tuple[int, int] = (0, 0)
        self._refreshed: dict[str, list] = {name: [] for name in REFRESH_COLUMNS}
        self._writer: _Writer | None = None

    def known_files(self) -> dict[str, KnownFile]:
        rows = self._connection.execute(
            "select source_file, sha256, status, size_bytes, mtime_ns, zip_crc32, zip_date_time from raw.log_files"
        ).fetchall()
        known = {}
        for source_file, sha256, status, size_bytes, mtime_ns, zip_crc32, zip_date_time in rows:
            fingerprint = None
            if mtime_ns is not None or zip_crc32 is not None:
                fingerprint = (size_bytes, mtime_ns, zip_crc32, zip_date_time)
            known[source_file] = KnownFile(sha256, status, size_bytes, fingerprint)
        return known

    def refresh_fingerprint(self, source_file: str, fingerprint: Fingerprint | None) -> None:
        """Record the new date of a file whose bytes turned out unchanged (a touched file), so the
        next run knows it without reading it; written at the next commit."""
        self._begin()
        _, mtime_ns, zip_crc32, zip_date_time = fingerprint or (None, None, None, None)
        for name, value in zip(REFRESH_COLUMNS, (source_file, mtime_ns, zip_crc32, zip_date_time)):
            self._refreshed[name].append(value)

    def begin_file(self, source_file: str, replaces_existing: bool) -> None:
        """Start a file; its previous rows (if any) go in the same transaction."""
        self._begin()
        if replaces_existing:
            self._replaced.append(source_file)
        self._file_start = (len(self._events), self._events[-1][2] if self._events else 0)

    def add_events(self, batch: pa.RecordBatch, start: int, stop: int) -> None:
        """Buffer rows ``start`` to ``stop`` of a batch cut by logloader.events: the current file's events."""
        if stop <= start:
            return
        last = self._events[-1] if self._events else None
        if last is not None and last[0] is batch and last[2] == start:
            last[2] = stop
        else:
            self._events.append([batch, start, stop])

    def write(self, unfinished: str | None = None) -> None:
        """Write the buffered events now; the transaction stays open. ``unfinished``: the
        file being streamed, whose rows written so far go if it is rejected."""
        self._write_events()
        if unfinished is not None:
            self._flushed_partial.add(unfinished)
        self._file_start = (0, 0)

    def end_file(
        self,
        source_file: str,
        *,
        sha256: str,
        size_bytes: int,
        line_count: int,
        error: str | None,
        has_invalid_utf8: bool,
        fingerprint: Fingerprint | None = None,
    ) -> None:
        """Record the file; a rejected file's lines are dropped from the transaction.

        ``fingerprint`` (size, mtime_ns, zip CRC-32, zip date) as seen before the file was read;
        None records no date, so the next run reads the file again to compare its sha256."""
        if error is not None:
            ranges, last_stop = self._file_start
            del self._events[ranges:]
            if ranges:
                self._events[ranges - 1][2] = last_stop
            if source_file in self._flushed_partial:
                self._submit(self._delete_events, source_file)
            line_count = 0
        self._flushed_partial.discard(source_file)
        row = (
            source_file,
            sha256,
            size_bytes,
            line_count,
            self._loaded_at,
            "loaded" if error is None else "rejected",
            error,
            has_invalid_utf8,
            *(fingerprint or (None, None, None, None))[1:],
        )
        self._files.append(row)

    def commit(self) -> None:
        """Write everything buffered and commit (on the writer thread): whole files only."""
        if not self._in_transaction:
            return
        self._write_events()
        files = pa.table(dict(zip(FILE_COLUMNS, map(list, zip(*self._files)))) if self._files
                         else {name: [] for name in FILE_COLUMNS}, schema=FILE_SCHEMA)
        refreshed = pa.table(self._refreshed, schema=REFRESH_SCHEMA) if self._refreshed["source_file"] else None
        self._submit(self._commit, files, refreshed)
        self._in_transaction = False
        self._files = []
        self._refreshed = {name: [] for name in REFRESH_COLUMNS}

    def close(self) -> None:
        """Wait for every write (raising the first error) and end the writer thread."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.finish()

    def rollback(self) -> None:
        """Drop what is not committed yet (the writes waiting included)."""
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        if self._in_transaction:
            try:
                self._connection.execute("rollback")
            except duckdb.Error:
                pass  # no transaction left open (the failed statement ended it)
            self._in_transaction = False

    def _begin(self) -> None:
        if not self._in_transaction:
            self._submit(self._connection.execute, "begin transaction")
            self._in_transaction = True

    def _submit(self, function: Callable[..., object], *arguments: object) -> None:
        if self._writer is None:
            self._writer = _Writer(self._connection)
        self._writer.submit(lambda: function(*arguments))

    def _write_events(self) -> None:
        """Hand the buffered events (and the old rows of the files they replace) to the writer."""
        replaced = pa.table({"source_file": self._replaced}) if self._replaced else None
        self._replaced = []
        if not self._events:
            if replaced is not None:
                self._submit(self._insert_events, None, replaced)
            return
        table = pa.Table.from_batches([batch.slice(start, stop - start) for batch, start, stop in self._events])
        self._events = []
        self._submit(self._insert_events, table, replaced)

    # The statements, run on the writer thread; DuckDB reads the Arrow tables named in them
    # from the calling frame.

    def _insert_events(self, events: pa.Table | None, replaced: pa.Table | None) -> None:
        if replaced is not None:
            self._connection.execute("delete from raw.log_events where source_file in (select source_file from replaced)")
        if events is not None:
            self._connection.execute(INSERT_EVENTS_SQL)

    def _delete_events(self, source_file: str) -> None:
        self._connection.execute("delete from raw.log_events where source_file = ?", [source_file])

    def _commit(self, files: pa.Table, refreshed: pa.Table | None) -> None:
        self._connection.execute("delete from raw.log_files where source_file in (select source_file from files)")
        columns = ", ".join(FILE_COLUMNS)
        self._connection.execute(f"insert into raw.log_files ({columns}) select {columns} from files")
        if refreshed is not None:
            self._connection.execute(
                "update raw.log_files set mtime_ns = refreshed.mtime_ns, zip_crc32 = refreshed.zip_crc32, "
                "zip_date_time = refreshed.zip_date_time from refreshed "
                "where raw.log_files.source_file = refreshed.source_file"
            )
        self._connection.execute("commit")
