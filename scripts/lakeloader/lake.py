"""The lake's raw tables on disk, and the commit that makes a load's files appear at once.

Layout under ``<lake>/warehouse/raw.db/``:

- ``log_files/books.parquet``: the books, one row per file seen (the columns of
  DuckDB's ``raw.log_files``, plus ``events_file``: the Parquet file of
  ``log_events`` holding a loaded file's rows). Replaced whole at each commit.
- ``log_events/<load>-<group>.parquet``: the events (DuckDB's ``raw.log_events``
  columns), one file per group of input files read by one Spark task.
- ``_staging/<load>/``: what a load wrote and has not committed (a reader of the
  tables never sees it: Spark and DuckDB read only the two table folders).
- ``_journal.json``: a commit being applied; ``.lock``: held by the one loader
  allowed at a time.

A commit: the new event files and the new books are written under
``_staging``; event files that hold rows which must go (a changed or newly
rejected file's old rows, the rows of a second copy of bytes already loaded)
are written again without them, also under ``_staging``. Then the journal,
listing the files to move in and to delete, is written and renamed into place:
that rename is the commit. Applying it (renames and deletes, each safe to do
twice) follows; a load that was killed is finished by the next one, which
applies a journal it finds and deletes what is left under ``_staging``. A kill
at any moment thus leaves every file either fully loaded or absent.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from logloader.errors import DatabaseBusy, DatabaseOutdated
from logloader.inputs import Fingerprint
from logloader.store import FILE_SCHEMA, FileStatus, KnownFile

BOOKS_SCHEMA = FILE_SCHEMA.append(pa.field("events_file", pa.string()))
EVENTS_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("event_number_in_file", pa.int64()),
        ("line_number", pa.int64()),
        ("last_line_number", pa.int64()),
        ("line_count", pa.int64()),
        ("event_text", pa.string()),
    ]
)
BOOKS_NAME = "books.parquet"
# Parquet settings of every file written: zstd, row groups of at most 128 MB of text.
PARQUET_OPTIONS = {"compression": "zstd"}


def default_lake() -> str:
    return os.environ.get("BALANCE_SYNC_LAKE") or str(Path(__file__).resolve().parents[2] / "lake")


class Lake:
    """The raw schema of one lake folder."""

    def __init__(self, lake: str | os.PathLike[str]) -> None:
        self.root = Path(lake).resolve()
        self.raw = self.root / "warehouse" / "raw.db"
        self.files_dir = self.raw / "log_files"
        self.events_dir = self.raw / "log_events"
        self.staging_root = self.raw / "_staging"
        self.journal = self.raw / "_journal.json"
        self._lock_handle = None

    # -- one loader at a time -------------------------------------------------

    def lock(self) -> None:
        """Take the lake's lock, or fail at once with a clear message."""
        self.raw.mkdir(parents=True, exist_ok=True)
        handle = open(self.raw / ".lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.close()
            raise DatabaseBusy(f"{self.root} is being loaded by another process; wait for it to finish") from error
        self._lock_handle = handle

    def unlock(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    # -- reading -----------------------------------------------------------------

    def recover(self) -> None:
        """Finish a commit that a killed load left (its journal), and drop what no commit took."""
        if self.journal.exists():
            self._apply(json.loads(self.journal.read_text()))
        shutil.rmtree(self.staging_root, ignore_errors=True)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.events_dir.mkdir(parents=True, exist_ok=True)

    def books(self) -> pa.Table:
        path = self.files_dir / BOOKS_NAME
        if not path.exists():
            return BOOKS_SCHEMA.empty_table()
        if set(pq.read_schema(path).names) != set(BOOKS_SCHEMA.names):
            raise DatabaseOutdated(
                f"{self.root} was written by an earlier version of the loader (log_files has other columns); "
                "load your logs into a new lake (delete this one, or give another --lake): the logs are the record"
            )
        return pq.read_table(path, schema=BOOKS_SCHEMA)

    @staticmethod
    def known_files(books: pa.Table) -> dict[str, KnownFile]:
        """The books as the DuckDB loader's :class:`KnownFile` by location (what tells a file is
        unchanged, and the name it is stored under)."""
        known = {}
        for row in books.select(
            ["location", "source_file", "sha256", "status", "size_bytes", "mtime_ns", "zip_crc32", "zip_date_time"]
        ).to_pylist():
            fingerprint: Fingerprint | None = None
            if row["mtime_ns"] is not None or row["zip_crc32"] is not None:
                fingerprint = (row["size_bytes"], row["mtime_ns"], row["zip_crc32"], row["zip_date_time"])
            known[row["location"]] = KnownFile(
                row["source_file"], row["sha256"], FileStatus(row["status"]), row["size_bytes"], fingerprint
            )
        return known

    # -- writing -------------------------------------------------------------------

    def staging(self, load_id: str) -> Path:
        folder = self.staging_root / load_id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def commit(
        self, load_id: str, books: dict[str, dict], new_event_files: Iterable[str], drop_rows: dict[str, set[str]]
    ) -> None:
        """Commit one load: ``new_event_files`` (names under its staging folder) join the events,
        ``books`` (rows by source file) replace the books, and the rows of the source files named
        in ``drop_rows`` (by event file: a name in ``log_events``, or one of the new files) go.
        The books' ``events_file`` of the rows kept in a rewritten file is updated here."""
        staging = self.staging(load_id)
        moves: list[tuple[str, str]] = []
        deletes: list[str] = []
        new_event_files = list(new_event_files)
        for name in new_event_files:
            moves.append((str(staging / name), str(self.events_dir / name)))
        for name, sources in drop_rows.items():
            staged = name in new_event_files
            path = staging / name if staged else self.events_dir / name
            table = pq.read_table(path, schema=EVENTS_SCHEMA)
            kept = table.filter(pc.invert(pc.is_in(table.column("source_file"), pa.array(sorted(sources)))))
            if staged:  # a file of this load: rewritten in place before it moves
                if kept.num_rows:
                    pq.write_table(kept, path, **PARQUET_OPTIONS)
                else:
                    moves.remove((str(path), str(self.events_dir / name)))
                    path.unlink()
                continue
            deletes.append(str(path))
            if kept.num_rows:
                rewritten = f"{Path(name).stem}-{load_id}.parquet"
                pq.write_table(kept, staging / rewritten, **PARQUET_OPTIONS)
                moves.append((str(staging / rewritten), str(self.events_dir / rewritten)))
                for source in pc.unique(kept.column("source_file")).to_pylist():
                    books[source]["events_file"] = rewritten
        rows = sorted(books.values(), key=lambda row: row["source_file"])
        pq.write_table(pa.Table.from_pylist(rows, schema=BOOKS_SCHEMA), staging / BOOKS_NAME, **PARQUET_OPTIONS)
        moves.append((str(staging / BOOKS_NAME), str(self.files_dir / BOOKS_NAME)))
        for source, _ in moves:
            _fsync_folder_of(Path(source), contents=True)
        journal = {"load": load_id, "moves": moves, "deletes": deletes}
        pending = staging / "_journal.json"
        pending.write_text(json.dumps(journal))
        _fsync_folder_of(pending, contents=True)
        os.replace(pending, self.journal)  # the commit
        _fsync_folder_of(self.journal)
        self._apply(journal)
        shutil.rmtree(staging, ignore_errors=True)

    def _apply(self, journal: dict) -> None:
        """Carry out a committed journal; each step is safe to repeat after a kill."""
        for source, target in journal["moves"]:
            if os.path.exists(source):
                os.replace(source, target)
        for path in journal["deletes"]:
            if os.path.exists(path):
                os.unlink(path)
        _fsync_folder_of(self.events_dir / "x")
        _fsync_folder_of(self.files_dir / "x")
        self.journal.unlink(missing_ok=True)


def _fsync_folder_of(path: Path, contents: bool = False) -> None:
    """Make a rename or a written file durable (fsync the file, then its folder)."""
    if contents:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
