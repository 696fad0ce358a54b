"""The raw DuckDB tables and the writes to them, atomic per file.

The DuckDB file is attached under the fixed catalog name ``ledger`` (as dbt's
profile and scripts/sql.sh do), so any file name works: a file opened directly
takes its catalog name from the file name, and ``raw.duckdb`` would make
``raw.log_files`` ambiguous.

Events are written as they come (a group of files at a time, or a piece of a
big file) into a transaction that is committed after whole files only: a kill
at any moment leaves every file either fully loaded or absent. A changed file
(same location, new sha256) has its old rows deleted in the same transaction
that adds the new ones. The statements run on a writer thread, in order, while
the caller goes on (DuckDB releases the GIL): compressing and writing the text
is about half of a load's work, and it never waits for the caller's
bookkeeping. Arrow tables reach DuckDB through ``register()``, read in place.
"""

from __future__ import annotations

import errno
import fcntl
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import duckdb
import pyarrow as pa

from .errors import (
    DatabaseBusy,
    DatabaseError,
    DatabaseFolderMissing,
    DatabaseOutdated,
    DatabaseReadOnly,
)
from .events import EVENT_COLUMNS
from .inputs import Fingerprint

CATALOG = "ledger"


class FileStatus(StrEnum):
    """The status of a row of raw.log_files."""

    LOADED = "loaded"  # its events are in raw.log_events
    REJECTED = "rejected"  # not loaded; error says why and what to do
    RETIRED = "retired"  # gone from the input and retired (--retire-missing): its events were deleted


SCHEMA_SQL = f"""
create schema if not exists raw;
create table if not exists raw.log_files (
    source_file varchar not null,
    location varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    line_count bigint not null,
    loaded_at timestamp not null,
    status varchar not null check (status in ({", ".join(f"'{status.value}'" for status in FileStatus)})),
    error varchar,
    has_invalid_utf8 boolean not null,
    mtime_ns bigint,
    zip_crc32 bigint,
    zip_date_time varchar
);
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
    "location",
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
        ("location", pa.string()),
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
REFRESH_COLUMNS = ("source_file", "mtime_ns", "zip_crc32", "zip_date_time")
REFRESH_SCHEMA = pa.schema([(name, FILE_SCHEMA.field(name).type) for name in REFRESH_COLUMNS])
# Events travel to DuckDB as Arrow record batches cut by the worker processes
# (logloader.workers), one batch per group of files; DuckDB reads them in place.
INSERT_EVENTS_SQL = (
    f"insert into raw.log_events ({', '.join(EVENT_COLUMNS)}) select {', '.join(EVENT_COLUMNS)} from new_events"
)
# DuckDB's memory limit when BALANCE_SYNC_MEMORY_LIMIT is not set; profiles.yml has the same default.
DEFAULT_MEMORY_LIMIT = "1300MB"
# DuckDB compression methods left out when BALANCE_SYNC_DISABLED_COMPRESSION is not set (profiles.yml
# has the same default): FSST makes inserting the log text about a third slower for a file about a
# third smaller.
DEFAULT_DISABLED_COMPRESSION = "fsst"
# Writes waiting for the writer thread (each holds about load.WRITE_BYTES of events) before the caller waits.
WRITES_AHEAD = 4


@dataclass(frozen=True)
class KnownFile:
    """A file's row in raw.log_files as the run found it."""

    source_file: str
    sha256: str
    status: FileStatus
    size_bytes: int = -1
    fingerprint: Fingerprint | None = None  # (size_bytes, mtime_ns, zip_crc32, zip_date_time); None: unknown

    def is_unchanged(self, fingerprint: Fingerprint | None) -> bool:
        """True when the file is known unchanged without reading it (same size and date, or zip CRC-32)."""
        return fingerprint is not None and self.fingerprint == fingerprint


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(database: str, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the database (attached as ``ledger``), waiting up to ``wait_seconds`` for another
    writer to finish; raise a :class:`DatabaseError` that says what to do when it cannot."""
    folder = os.path.dirname(os.path.abspath(database))
    if not os.path.isdir(folder):
        raise DatabaseFolderMissing(
            f"{database}: the folder {folder} does not exist; create it (mkdir -p) or give another --database"
        )
    connection = duckdb.connect(":memory:")
    # The same memory limit as dbt's (profiles.yml): without one DuckDB keeps
    # what it wrote cached up to 80 % of the RAM, and the loader's resident
    # memory grows with the input.
    connection.execute("set memory_limit = ?", [os.environ.get("BALANCE_SYNC_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT])
    # "" (the variable set but empty) turns every method back on, as in dbt
    connection.execute(
        "set disabled_compression_methods = ?",
        [os.environ.get("BALANCE_SYNC_DISABLED_COMPRESSION", DEFAULT_DISABLED_COMPRESSION)],
    )
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection.execute(f"attach {_sql_string(database)} as {CATALOG}")
            break
        except duckdb.Error as error:
            problem = _open_problem(database, folder, error)
            if not isinstance(problem, DatabaseBusy) or time.monotonic() >= deadline:
                connection.close()
                raise problem from error
            time.sleep(0.5)
    connection.execute(f"use {CATALOG}")
    _check_layout(connection, database)
    connection.execute(SCHEMA_SQL)
    # One DuckDB thread: the loader's worker processes use the other cores, and a parallel
    # insert costs more CPU in all (measured at 1 GB on 2 cores: 18.0 s with 2 threads, 14.0 s with 1).
    connection.execute("set threads = 1")
    return connection


def _open_problem(database: str, folder: str, error: duckdb.Error) -> DatabaseError:
    """Why ``database`` could not be attached, told by the file system (never by the words of
    DuckDB's message, which holds the path)."""
    if _locked_by_another_process(database):
        return DatabaseBusy(
            f"{database} is in use by another process (another loader or dbt run?); "
            "wait for it to finish, or pass --wait SECONDS to wait for it"
        )
    exists = os.path.exists(database)
    if (exists and not os.access(database, os.W_OK)) or (not exists and not os.access(folder, os.W_OK)):
        where = f"the file {database} is" if exists else f"the folder {folder} is"
        return DatabaseReadOnly(
            f"{where} read-only for this user; make it writable, or give --database a file in a writable folder"
        )
    return DatabaseError(f"cannot open {database} as a DuckDB database: {error}")


def _locked_by_another_process(database: str) -> bool:
    """True when another process holds a lock on the file (DuckDB locks the file it opens)."""
    try:
        descriptor = os.open(database, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as failure:
        return failure.errno in (errno.EACCES, errno.EAGAIN)
    else:
        fcntl.lockf(descriptor, fcntl.LOCK_UN)
        return False
    finally:
        os.close(descriptor)


def _check_layout(connection: duckdb.DuckDBPyConnection, database: str) -> None:
    """Refuse raw tables of another layout (written by an earlier version of the loader)."""
    columns = {
        name
        for (name,) in connection.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = ? and table_schema = 'raw' and table_name = 'log_files'",
            [CATALOG],
        ).fetchall()
    }
    if columns and columns != set(FILE_COLUMNS):
        connection.close()
        raise DatabaseOutdated(
            f"{database} was written by an earlier version of the loader (raw.log_files has other columns); "
            "load your logs into a new file (delete this one, or give another --database): the logs are the record"
        )


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
        """Every row of raw.log_files, by location."""
        rows = self._connection.execute(
            "select location, source_file, sha256, status, size_bytes, mtime_ns, zip_crc32, zip_date_time "
            "from raw.log_files"
        ).fetchall()
        known = {}
        for location, source_file, sha256, status, size_bytes, mtime_ns, zip_crc32, zip_date_time in rows:
            fingerprint = None
            if mtime_ns is not None or zip_crc32 is not None:
                fingerprint = (size_bytes, mtime_ns, zip_crc32, zip_date_time)
            known[location] = KnownFile(source_file, sha256, FileStatus(status), size_bytes, fingerprint)
        return known

    def retire(self, source_files: list[str], reason: str) -> None:
        """Mark these files retired (``error`` says when and why) and delete their events, in
        one transaction, now; the caller has committed and closed the writes before."""
        names = pa.table({"source_file": source_files}, schema=pa.schema([("source_file", pa.string())]))
        self._connection.register("retired_files", names)
        try:
            self._connection.execute("begin transaction")
            self._connection.execute(
                "delete from raw.log_events where source_file in (select source_file from retired_files)"
            )
            self._connection.execute(
                "update raw.log_files set status = ?, error = ? "
                "where source_file in (select source_file from retired_files)",
                [FileStatus.RETIRED.value, reason],
            )
            self._connection.execute("commit")
        except BaseException:
            self._connection.execute("rollback")
            raise
        finally:
            self._connection.unregister("retired_files")

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
        location: str,
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
            location,
            sha256,
            size_bytes,
            line_count,
            self._loaded_at,
            (FileStatus.LOADED if error is None else FileStatus.REJECTED).value,
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
        files = pa.table(
            dict(zip(FILE_COLUMNS, map(list, zip(*self._files))))
            if self._files
            else {name: [] for name in FILE_COLUMNS},
            schema=FILE_SCHEMA,
        )
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

    # The statements, run on the writer thread; DuckDB reads the Arrow tables registered
    # under a name for the statement, in place.

    def _run_with(self, name: str, data: pa.Table, *statements: str) -> None:
        self._connection.register(name, data)
        try:
            for statement in statements:
                self._connection.execute(statement)
        finally:
            self._connection.unregister(name)

    def _insert_events(self, events: pa.Table | None, replaced: pa.Table | None) -> None:
        if replaced is not None:
            self._run_with(
                "replaced_files",
                replaced,
                "delete from raw.log_events where source_file in (select source_file from replaced_files)",
            )
        if events is not None:
            self._run_with("new_events", events, INSERT_EVENTS_SQL)

    def _delete_events(self, source_file: str) -> None:
        self._connection.execute("delete from raw.log_events where source_file = ?", [source_file])

    def _commit(self, files: pa.Table, refreshed: pa.Table | None) -> None:
        columns = ", ".join(FILE_COLUMNS)
        self._run_with(
            "new_files",
            files,
            "delete from raw.log_files where source_file in (select source_file from new_files)",
            f"insert into raw.log_files ({columns}) select {columns} from new_files",
        )
        if refreshed is not None:
            self._run_with(
                "refreshed_files",
                refreshed,
                "update raw.log_files set mtime_ns = refreshed_files.mtime_ns, "
                "zip_crc32 = refreshed_files.zip_crc32, zip_date_time = refreshed_files.zip_date_time "
                "from refreshed_files where raw.log_files.source_file = refreshed_files.source_file",
            )
        self._connection.execute("commit")
