"""A load into the lake: the driver lists the input and keeps the books; Spark tasks read.

Each task gets a group of consecutive files (the DuckDB loader's groups: about
``GROUP_BYTES`` as stored, at most ``GROUP_FILES`` files), reads, checks and cuts
them with the loader's own code (``logloader.workers.read_group``; a file too big
to hold is streamed with ``logloader.reader.read_segments`` and
``logloader.events.StreamCutter``), writes their events as one Parquet file in
the load's staging folder and returns what it found per file (sha256, lines,
rejection). The driver then decides, as the DuckDB loader does, what is loaded,
skipped (unchanged bytes) or rejected (bad input, or a second copy of bytes
already loaded), and commits (:meth:`lakeloader.lake.Lake.commit`) every
``commit_bytes`` of input, so a killed load keeps what it committed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from logloader.errors import RejectedFile
from logloader.events import StreamCutter
from logloader.inputs import Fingerprint, InputFile, Notice, close_archives, iter_input_files, resolve_root
from logloader.load import (
    GROUP_HELD_BYTES,
    PREFETCH_BYTES,
    FilesToRead,
    Options,
    Summary,
    report_gone_files,
    trusted_fingerprint,
)
from logloader.reader import FileFacts, read_segments
from logloader.store import FileStatus, KnownFile
from logloader.workers import FileRead, ReadOutcome, ReadSettings, Task, file_read, read_group

from .lake import EVENTS_SCHEMA, PARQUET_OPTIONS, Lake

SCRIPTS = Path(__file__).resolve().parents[1]
DEFAULT_MASTER = "local[2]"


# -- on the executors ----------------------------------------------------------------------


def read_and_write(
    numbered: tuple[int, list[Task]], settings: ReadSettings, folder: str, load_id: str
) -> tuple[int, str | None, list[FileRead]]:
    """A Spark task: read one group of files, write its events to ``folder`` as one Parquet
    file; return the group's number, that file's name (None: no event) and each file's read."""
    number, tasks = numbered
    name = f"{load_id}-{number:06d}.parquet"
    path = os.path.join(folder, name)
    writer: pq.ParquetWriter | None = None

    def write(batch: pa.RecordBatch) -> None:
        nonlocal writer
        if batch.num_rows == 0:
            return
        if writer is None:
            writer = pq.ParquetWriter(path, EVENTS_SCHEMA, **PARQUET_OPTIONS)
        writer.write_batch(batch.cast(EVENTS_SCHEMA))

    try:
        group = read_group(tasks, settings)
        reads = list(group.files)
        events = group.batch()
        row = 0
        for index, ((item, _), read) in enumerate(zip(tasks, reads)):
            if read.status is ReadOutcome.HELD:
                write(events.slice(row, read.event_count))
                row += read.event_count
            elif read.status is ReadOutcome.STREAM:
                reads[index] = _stream_file(item, settings, write)
    finally:
        if writer is not None:
            writer.close()
        close_archives()
    return number, (name if writer is not None else None), reads


def _stream_file(item: InputFile, settings: ReadSettings, write) -> FileRead:
    """A file too big to hold, read and cut in pieces (its rows are written as they come; the
    driver drops them if the file turns out rejected)."""
    facts = FileFacts()
    cutter = StreamCutter(item.source_file)
    try:
        for segment in read_segments(item, facts, settings.limits):
            for batch in cutter.feed(segment.text):
                write(batch)
        for batch in cutter.finish():
            write(batch)
    except RejectedFile as rejection:
        return file_read(ReadOutcome.REJECTED, facts, str(rejection))
    except OSError as failure:
        return file_read(ReadOutcome.REJECTED, facts, f"cannot read the file: {failure}")
    return file_read(ReadOutcome.HELD, facts)


# -- on the driver ---------------------------------------------------------------------------


def spark_session(master: str, lake: Lake):
    """A Spark session on ``master`` that can run this package's code on its executors."""
    from pyspark.sql import SparkSession

    # PySpark starts the executors' Python from PYSPARK_PYTHON (spark.pyspark.python alone
    # does not reach them in a session started from Python): this Python, unless told
    # otherwise, so the loader's packages are there (scripts/spark-env.sh sets the same).
    python = os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("balance-sync lake loader")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(lake.root / "warehouse"))
        .config("spark.pyspark.python", python)
        .config("spark.task.maxFailures", "1" if master.startswith("local") else "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    code = Path(tempfile.mkdtemp(prefix="lakeloader-code-")) / "balance_sync_loader.zip"
    with zipfile.ZipFile(code, "w") as archive:
        for package in ("logloader", "lakeloader"):
            for source in sorted((SCRIPTS / package).glob("*.py")):
                archive.write(source, f"{package}/{source.name}")
    spark.sparkContext.addPyFile(str(code))
    return spark


def load_lake(
    paths: Iterable[str],
    lake_path: str,
    options: Options | None = None,
    *,
    master: str = DEFAULT_MASTER,
    warn: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
    spark=None,
    hold_bytes: int = PREFETCH_BYTES,
) -> Summary:
    """Load every file behind ``paths`` into the lake's raw tables; return what happened.

    The DuckDB loader's rules (logloader.load): a physical file (its ``location``) is read at
    most once per run and keeps the name it was first stored under (a new file whose name is
    taken gets `` (2)``); files recorded under a path given that are gone are reported, or
    retired with ``options.retire_missing``. ``spark``: a session to use (else one on
    ``master``, stopped at the end); ``hold_bytes``: a file whose text passes it is streamed in
    pieces by its task (the DuckDB loader's limit); ``options``: the DuckDB loader's (its defaults
    when None)."""
    options = options or Options()
    started = time.perf_counter()
    started_ns = time.time_ns()
    roots = [resolve_root(path) for path in paths]
    summary = Summary()
    lake = Lake(lake_path)
    lake.lock()
    try:
        lake.recover()
        books = {row["source_file"]: row for row in lake.books().to_pylist()}
        known = Lake.known_files(lake.books())
        loaded_by_sha = {
            entry.sha256: entry.source_file for entry in known.values() if entry.status is FileStatus.LOADED
        }
        settings = ReadSettings(options.limits, hold_bytes, GROUP_HELD_BYTES)
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        # absolute paths: the executors open the files, from another working directory
        to_read = FilesToRead(
            _listing([os.path.abspath(root.given) for root in roots]),
            known,
            options,
            summary,
            tqdm(total=0, disable=True),
            warn,
        )
        own_session = spark is None
        try:
            for wave in _waves(to_read.groups(), options.commit_bytes):
                if spark is None:
                    spark = spark_session(master, lake)
                load_id = _load_id(loaded_at)
                folder = str(lake.staging(load_id))
                task = partial(read_and_write, settings=settings, folder=folder, load_id=load_id)
                results = spark.sparkContext.parallelize(list(enumerate(wave)), len(wave)).map(task).collect()
                new_files: list[str] = []
                drop: dict[str, set[str]] = defaultdict(set)
                for (_, name, reads), tasks in zip(sorted(results), wave):
                    if name is not None:
                        new_files.append(name)
                    for (item, _), read in zip(tasks, reads):
                        _book(
                            item,
                            read,
                            name,
                            known.get(item.location),
                            books,
                            loaded_by_sha,
                            drop,
                            summary,
                            warn,
                            loaded_at,
                            trusted_fingerprint(item, started_ns),
                        )
                lake.commit(load_id, books, new_files, drop)
        finally:
            if own_session and spark is not None:
                spark.stop()
        report_gone_files(roots, to_read, known, _Retirer(lake, books, loaded_at), options, summary, warn)
    finally:
        lake.unlock()
        close_archives()
    summary.seconds = time.perf_counter() - started
    return summary


def _load_id(loaded_at: datetime) -> str:
    return f"{loaded_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _listing(paths: list[str]) -> Iterator[InputFile | Notice]:
    """Every file behind ``paths`` in order, and a notice for a path that holds none (as the
    DuckDB loader lists them)."""
    for path in paths:
        count = 0
        for item in iter_input_files(path):
            count += 1
            yield item
        if count == 0:
            yield Notice(f"note: {path} holds no files (an empty folder or zip): nothing to load from it")


def _waves(groups: Iterator[list[Task]], commit_bytes: int) -> Iterator[list[list[Task]]]:
    """Groups in waves of about ``commit_bytes`` as stored: one Spark job and one commit each."""
    wave: list[list[Task]] = []
    size = 0
    for group in groups:
        wave.append(group)
        size += sum(item.size_bytes for item, _ in group)
        if size >= commit_bytes:
            yield wave
            wave, size = [], 0
    if wave:
        yield wave


def _book(
    item: InputFile,
    read: FileRead,
    events_file: str | None,
    previous: KnownFile | None,
    books: dict[str, dict],
    loaded_by_sha: dict[str, str],
    drop: dict[str, set[str]],
    summary: Summary,
    warn,
    loaded_at: datetime,
    fingerprint: Fingerprint | None,
) -> None:
    """Record one file's outcome in the books (the DuckDB loader's rules, logloader.load)."""
    source_file = item.source_file
    mtime_ns, zip_crc32, zip_date_time = (fingerprint or (None, None, None, None))[1:]
    if read.status is ReadOutcome.SKIPPED:
        summary.skipped += 1
        if previous is not None and previous.fingerprint != fingerprint:
            books[source_file].update(mtime_ns=mtime_ns, zip_crc32=zip_crc32, zip_date_time=zip_date_time)
        return
    old = books.get(source_file)
    if old is not None and old["events_file"] is not None:
        drop[old["events_file"]].add(source_file)  # a changed file replaces its rows
    error = read.error
    if error is None:
        twin = loaded_by_sha.get(read.sha256)
        if twin is not None and twin != source_file:
            error = f"same bytes as {twin}, already loaded; its lines are counted once"
        else:
            loaded_by_sha[read.sha256] = source_file
    if error is not None and events_file is not None:
        drop[events_file].add(source_file)  # rows it may have written in this load
    books[source_file] = {
        "source_file": source_file,
        "location": item.location,
        "sha256": read.sha256,
        "size_bytes": item.size_bytes,
        "line_count": read.line_count if error is None else 0,
        "loaded_at": loaded_at,
        "status": (FileStatus.LOADED if error is None else FileStatus.REJECTED).value,
        "error": error,
        "has_invalid_utf8": read.has_invalid_utf8,
        "mtime_ns": mtime_ns,
        "zip_crc32": zip_crc32,
        "zip_date_time": zip_date_time,
        "events_file": events_file if error is None else None,
    }
    summary.bytes_read += read.decompressed_bytes
    if error is None:
        summary.loaded += 1
        summary.lines += read.line_count
        if previous is not None and previous.status is FileStatus.LOADED:
            summary.replaced += 1
            warn(f"note: {source_file} changed since it was loaded; its rows are replaced by the new version")
    else:
        summary.rejected += 1
        summary.rejections.append((source_file, error))
        warn(f"warning: rejected {source_file}: {error}")


class _Retirer:
    """What logloader.load's report of gone files calls to retire them (``--retire-missing``):
    their books rows get status 'retired' and the reason, their events go; one commit."""

    def __init__(self, lake: Lake, books: dict[str, dict], loaded_at: datetime) -> None:
        self._lake = lake
        self._books = books
        self._loaded_at = loaded_at

    def retire(self, source_files: list[str], reason: str) -> None:
        drop: dict[str, set[str]] = defaultdict(set)
        for source_file in source_files:
            row = self._books[source_file]
            if row["events_file"] is not None:
                drop[row["events_file"]].add(source_file)
            row.update(status=FileStatus.RETIRED.value, error=reason, events_file=None)
        self._lake.commit(_load_id(self._loaded_at), self._books, [], drop)
