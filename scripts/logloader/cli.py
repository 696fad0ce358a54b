"""Command line: ``load_logs.py PATH [PATH ...]``.

A thin layer over :func:`load_paths`; see ``--help`` for every option.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tqdm import tqdm

from .errors import InputNotFound, LoaderError, RejectedFile
from .inputs import InputFile, iter_input_files
from .reader import MEGABYTE, FileFacts, Limits, Segment, read_segments, sha256_of
from .events import EventSlice, Part, StreamCutter, cut_events
from .store import Fingerprint, KnownFile, RawStore, connect

DEFAULT_DATABASE = "balance_sync.duckdb"
# Worker threads read groups of consecutive files (about GROUP_BYTES as stored, at most
# GROUP_FILES files) and cut their events in one vectorised pass: a few MB of text per pass
# is where Arrow's per-call cost and the CPU caches are both right (measured: 256 files of
# ~10 KB cut at 440 MB/s, 3,000 at once at 104 MB/s, one at a time at ~20 MB/s). They run
# READ_AHEAD groups ahead of the writer and hold a file whole only up to PREFETCH_BYTES, a
# group up to about GROUP_HELD_BYTES (the rest is streamed by the writer): memory stays
# bounded by about READ_AHEAD x (GROUP_HELD_BYTES + PREFETCH_BYTES) and the longest event.
READ_AHEAD = 8
GROUP_BYTES = MEGABYTE // 2
GROUP_FILES = 256
PREFETCH_BYTES = 32 * MEGABYTE
GROUP_HELD_BYTES = 8 * MEGABYTE
# A file modified this close to the run's start (or later) may change again within the
# same clock tick after it was read: its date is not recorded, so the next run hashes it.
RACY_NS = 2_000_000_000


@dataclass
class Summary:
    loaded: int = 0
    skipped: int = 0
    skipped_unread: int = 0
    rejected: int = 0
    lines: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        megabytes = self.bytes_read / MEGABYTE
        rate = megabytes / self.seconds if self.seconds > 0 else 0.0
        return (
            f"files loaded {self.loaded:,}, skipped (already loaded) {self.skipped:,}, "
            f"rejected {self.rejected:,}; lines {self.lines:,}; "
            f"{megabytes:,.1f} MB read in {self.seconds:.2f} s ({rate:,.0f} MB/s)"
            + (f"; {self.skipped_unread:,} of the skipped files known unchanged by size and date, not read"
               if self.skipped else "")
        )


@dataclass(frozen=True)
class Options:
    limits: Limits = Limits()
    commit_bytes: int = 64 * MEGABYTE
    retry_rejected: bool = False
    rehash: bool = False


def load_paths(
    paths: Iterable[str],
    database: str,
    options: Options = Options(),
    *,
    wait_seconds: float = 0.0,
    progress: bool = False,
    warn=lambda message: print(message, file=sys.stderr),
) -> Summary:
    """Load every file behind ``paths`` into ``database``; return what happened."""
    started = time.perf_counter()
    started_ns = time.time_ns()
    items = _collect(paths)
    summary = Summary()
    connection = connect(database, wait_seconds)
    try:
        store = RawStore(connection, datetime.now(timezone.utc).replace(tzinfo=None))
        known = store.known_files()
        loaded_by_sha = {entry.sha256: source for source, entry in known.items() if entry.status == "loaded"}
        bar = tqdm(
            total=sum(item.size_bytes for item in items),
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            disable=not progress,
            desc="loading",
        )
        pending_bytes = 0
        # Files known unchanged by their size and date are skipped here, never opened nor queued.
        unchanged = [] if options.rehash else [item for item in items if _is_known_unchanged(item, known, options)]
        summary.skipped = summary.skipped_unread = len(unchanged)
        bar.update(sum(item.size_bytes for item in unchanged))
        to_read = [item for item in items if not _is_known_unchanged(item, known, options)] if unchanged else items
        try:
            for index, read in enumerate(_reads_in_order(to_read, known, options), start=len(unchanged) + 1):
                bar.set_postfix_str(f"file {index:,}/{len(items):,}", refresh=False)
                if read.skipped:
                    summary.skipped += 1
                    fingerprint = _trusted_fingerprint(read.item, started_ns)
                    if known[read.item.source_file].fingerprint != fingerprint:
                        store.refresh_fingerprint(read.item.source_file, fingerprint)
                else:
                    read = _store_file(read, store, known, loaded_by_sha, _trusted_fingerprint(read.item, started_ns),
                                       options)
                    if read.error is None:
                        summary.loaded += 1
                        summary.lines += read.facts.line_count
                    else:
                        summary.rejected += 1
                        summary.rejections.append((read.item.source_file, read.error))
                        bar.clear()
                        warn(f"warning: rejected {read.item.source_file}: {read.error}")
                bar.update(read.item.size_bytes)
                summary.bytes_read += read.facts.decompressed_bytes
                pending_bytes += read.facts.decompressed_bytes
                if pending_bytes >= options.commit_bytes:
                    store.commit()
                    pending_bytes = 0
            store.commit()
        except BaseException:
            store.rollback()
            raise
        finally:
            bar.close()
    finally:
        connection.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _collect(paths: Iterable[str]) -> list[InputFile]:
    items: list[InputFile] = []
    for path in paths:
        items.extend(iter_input_files(path))
    return items


@dataclass
class FileRead:
    """One file read by a worker thread: its events, or why it was skipped or rejected."""

    item: InputFile
    facts: FileFacts
    events: EventSlice | None  # None: too big to hold, the main thread streams it
    skipped: bool = False
    error: str | None = None


NO_EVENTS = EventSlice(None, 0, 0)


def _trusted_fingerprint(item: InputFile, started_ns: int) -> Fingerprint | None:
    """The item's size and date, unless its date is too recent to be trusted (see RACY_NS)."""
    if item.mtime_ns is not None and item.mtime_ns > started_ns - RACY_NS:
        return None
    return item.fingerprint()


def _is_known_unchanged(item: InputFile, known: dict[str, KnownFile], options: Options) -> bool:
    """A file already seen whose size and date (zip member: size, CRC-32 and date) are those recorded."""
    previous = known.get(item.source_file)
    if previous is None or (options.retry_rejected and previous.status == "rejected"):
        return False
    return previous.is_unchanged(item.fingerprint())


def _read_group(items: list[InputFile], known: dict[str, KnownFile], options: Options) -> list[FileRead]:
    """Read a few consecutive files in a worker thread and cut their events in one vectorised pass
    (the GIL is free while it decompresses and while Arrow cuts). A file that would take the
    group's held text past GROUP_HELD_BYTES is left for the main thread to stream."""
    reads: list[FileRead] = []
    held: list[tuple[FileRead, list[Segment]]] = []
    held_bytes = 0
    for item in items:
        if held_bytes > GROUP_HELD_BYTES:
            reads.append(FileRead(item, FileFacts(), None))
            continue
        read, segments = _read_file(item, known, options)
        reads.append(read)
        if segments:
            held.append((read, segments))
            held_bytes += read.facts.decompressed_bytes
    if held:
        buffer = b"\n".join(segment.text for _, segments in held for segment in segments) + b"\n"
        parts = [Part(index, read.facts.line_count) for index, (read, _) in enumerate(held)]
        batch, ranges = cut_events(buffer, parts, [read.item.source_file for read, _ in held])
        for (read, _), where in zip(held, ranges):
            read.events = EventSlice(batch, where.start, where.stop)
    return reads


def _read_file(item: InputFile, known: dict[str, KnownFile], options: Options) -> tuple[FileRead, list[Segment]]:
    """Read a whole (not too big) file: its lines, or why it is skipped or rejected."""
    facts = FileFacts()
    previous = known.get(item.source_file)
    if previous is not None and not (options.retry_rejected and previous.status == "rejected"):
        # A file already seen whose size or date changed (or any, with --rehash) is skipped when
        # its sha256 is unchanged. Another size is another file: no need to hash it first.
        if item.size_bytes == previous.size_bytes and sha256_of(item) == previous.sha256:
            return FileRead(item, facts, NO_EVENTS, skipped=True), []
    segments: list[Segment] = []
    held = 0
    reader = read_segments(item, facts, options.limits)
    try:
        for segment in reader:
            segments.append(segment)
            held += len(segment.text)
            if held > PREFETCH_BYTES:
                reader.close()
                return FileRead(item, FileFacts(), None), []
    except RejectedFile as rejection:
        return FileRead(item, facts, NO_EVENTS, error=str(rejection)), []
    except OSError as failure:
        return FileRead(item, facts, NO_EVENTS, error=f"cannot read the file: {failure}"), []
    return FileRead(item, facts, NO_EVENTS), segments


def _stream_file(read: FileRead, store: RawStore, options: Options) -> FileRead:
    """Read a big file again in the main thread, cutting and writing its events as it goes."""
    facts = FileFacts()
    cutter = StreamCutter(read.item.source_file)
    try:
        for segment in read_segments(read.item, facts, options.limits):
            for batch in cutter.feed(segment.text):
                store.add_events(EventSlice(batch, 0, batch.num_rows))
            if store.buffered_bytes >= PREFETCH_BYTES:
                store.spill(read.item.source_file)
        for batch in cutter.finish():
            store.add_events(EventSlice(batch, 0, batch.num_rows))
    except RejectedFile as rejection:
        return FileRead(read.item, facts, NO_EVENTS, error=str(rejection))
    except OSError as failure:
        return FileRead(read.item, facts, NO_EVENTS, error=f"cannot read the file: {failure}")
    return FileRead(read.item, facts, NO_EVENTS)


def _store_file(read: FileRead, store: RawStore, known: dict[str, KnownFile], loaded_by_sha: dict[str, str],
                fingerprint: Fingerprint | None, options: Options) -> FileRead:
    """Write one file read into the store's open transaction; return the final outcome."""
    source_file = read.item.source_file
    store.begin_file(source_file, replaces_existing=source_file in known)
    if read.events is None:
        read = _stream_file(read, store, options)
    else:
        store.add_events(read.events)
    error = read.error
    if error is None:
        twin = loaded_by_sha.get(read.facts.sha256)
        if twin is not None and twin != source_file:
            error = f"same bytes as {twin}, already loaded; its lines are counted once"
        else:
            loaded_by_sha[read.facts.sha256] = source_file
    store.end_file(
        source_file,
        sha256=read.facts.sha256,
        size_bytes=read.item.size_bytes,
        line_count=read.facts.line_count,
        error=error,
        has_invalid_utf8=read.facts.has_invalid_utf8,
        fingerprint=fingerprint,
    )
    read.error = error
    return read


def _groups(items: list[InputFile]) -> Iterator[list[InputFile]]:
    """Consecutive files in groups of about GROUP_BYTES (as stored) or GROUP_FILES files."""
    group: list[InputFile] = []
    size = 0
    for item in items:
        group.append(item)
        size += item.size_bytes
        if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _reads_in_order(items: list[InputFile], known: dict[str, KnownFile], options: Options) -> Iterator[FileRead]:
    """Read groups of files on worker threads, a bounded window ahead, yielding files in input order."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="read") as pool:
        window: deque[Future[list[FileRead]]] = deque()
        upcoming = _groups(items)
        for group in itertools.islice(upcoming, READ_AHEAD):
            window.append(pool.submit(_read_group, group, known, options))
        while window:
            reads = window.popleft().result()
            following = next(upcoming, None)
            if following is not None:
                window.append(pool.submit(_read_group, following, known, options))
            yield from reads


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_logs.py",
        description=(
            "Load AWS Lambda CloudWatch log exports into the raw tables of a DuckDB file: "
            "raw.log_files (one row per file seen, loaded or rejected with the reason) and "
            "raw.log_events (every CloudWatch event: the line that starts with its timestamp and the lines up to "
            "the next one, with its file and 1-based line numbers, text exactly as in the file). "
            "Files already loaded are skipped: without reading them when their size and modification time "
            "(zip members: size, CRC-32 and date) are those recorded, else when their sha256 is the same; "
            "a changed file replaces its rows. "
            "Each file is written atomically."
        ),
        epilog="Then build the marts: BALANCE_SYNC_DB=FILE .venv/bin/dbt build",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=(
            "a folder tree of log files, a .zip of one (read in place, never extracted), or a single log file; "
            "gzip or plain text is told by the bytes, not the name. File names are stored relative to the folder "
            "given (zip: the member path; single file: the path as given)."
        ),
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BALANCE_SYNC_DB", DEFAULT_DATABASE),
        help="DuckDB file to write (default: $BALANCE_SYNC_DB, else %(default)s)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when any file is rejected (default: warn, load the rest, exit 0)",
    )
    parser.add_argument(
        "--retry-rejected",
        action="store_true",
        help="read again files that an earlier run rejected, even if their bytes are unchanged",
    )
    parser.add_argument(
        "--rehash",
        action="store_true",
        help="read and sha256-hash every file already loaded to tell whether it changed, instead of trusting "
        "an unchanged size and modification time (zip members: size, CRC-32 and date)",
    )
    parser.add_argument(
        "--max-file-mb",
        type=int,
        default=Limits().max_file_bytes // MEGABYTE,
        help="reject a file whose decompressed size passes this many MB, a guard against decompression bombs "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-line-mb",
        type=int,
        default=Limits().max_line_bytes // MEGABYTE,
        help="reject a file holding a single line longer than this many MB (default: %(default)s)",
    )
    parser.add_argument(
        "--commit-mb",
        type=int,
        default=Options().commit_bytes // MEGABYTE,
        help="commit after about this many MB of decompressed text; each commit holds whole files only, "
        "so a killed run keeps what it committed and a re-run loads the rest (default: %(default)s)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another process holds the database, wait up to this long for it (default: fail at once)",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bar", "plain"),
        default="auto",
        help="a progress bar (bar), or plain lines only (plain); auto: a bar on a terminal (default: %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    show_bar = arguments.progress == "bar" or (arguments.progress == "auto" and sys.stderr.isatty())
    options = Options(
        limits=Limits(
            max_file_bytes=arguments.max_file_mb * MEGABYTE,
            max_line_bytes=arguments.max_line_mb * MEGABYTE,
        ),
        commit_bytes=arguments.commit_mb * MEGABYTE,
        retry_rejected=arguments.retry_rejected,
        rehash=arguments.rehash,
    )
    try:
        summary = load_paths(
            arguments.paths, arguments.database, options, wait_seconds=arguments.wait, progress=show_bar
        )
    except InputNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LoaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"{arguments.database}: {summary.describe()}")
    return 1 if arguments.strict and summary.rejected else 0
