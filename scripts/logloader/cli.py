"""Command line: ``load_logs.py PATH [PATH ...]``.

A thin layer over :func:`load_paths`; see ``--help`` for every option. How a
load runs: a child process lists the input; worker processes (one per core,
:mod:`workers`) read, check and cut groups of files; this process does the
bookkeeping (what is new, changed, a duplicate) and a writer thread writes to
DuckDB (:mod:`store`). A file too big to hold is streamed by this process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection

from tqdm import tqdm

from .errors import HelperStopped, InputNotFound, LoaderError, RejectedFile
from .events import StreamCutter
from .inputs import InputFile, check_exists, close_archives, iter_input_files
from .reader import MEGABYTE, FileFacts, Limits, read_segments
from .store import Fingerprint, KnownFile, RawStore, connect
from .workers import FileRead, ReadSettings, Task, die_with, file_read, reads_in_order

DEFAULT_DATABASE = "balance_sync.duckdb"
# Worker processes read groups of consecutive files (about GROUP_BYTES as stored, at most
# GROUP_FILES files) and cut their events in one vectorised pass: a few MB of text per pass
# (for 10 KB files: ~2.5 MB, cut in ~3 ms). They run READ_AHEAD groups ahead of this process
# and hold a file whole only up to PREFETCH_BYTES, a group up to about GROUP_HELD_BYTES (the
# rest is streamed by this process): memory stays bounded by about READ_AHEAD x
# (GROUP_HELD_BYTES + PREFETCH_BYTES), the writes waiting (store.WRITES_AHEAD groups) and the
# longest event.
READ_AHEAD = 8
GROUP_BYTES = MEGABYTE // 2
GROUP_FILES = 256
PREFETCH_BYTES = 32 * MEGABYTE
GROUP_HELD_BYTES = 8 * MEGABYTE
# Events go to DuckDB this much text at a time (a few groups: fewer, larger inserts cost
# DuckDB less; measured at 1 GB: 12.6-13.2 s a group at a time, 10.3-11.6 s 8-16 MB at a time).
WRITE_BYTES = 16 * MEGABYTE
# The input is listed by a child process and sent this many files at a time.
WALK_CHUNK = 1024
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
    commit_bytes: int = 256 * MEGABYTE
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
    paths = list(paths)
    for path in paths:
        check_exists(path)
    summary = Summary()
    settings = ReadSettings(options.limits, PREFETCH_BYTES, GROUP_HELD_BYTES)
    bar = tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, disable=not progress, desc="loading")
    listing = _Listing(paths)
    try:
        connection = connect(database, wait_seconds)
        try:
            store = RawStore(connection, datetime.now(timezone.utc).replace(tzinfo=None))
            known = store.known_files()
            loaded_by_sha = {entry.sha256: source for source, entry in known.items() if entry.status == "loaded"}
            to_read = _ToRead(iter(listing), known, options, summary, bar)
            pending_bytes = written_bytes = 0  # text since the last commit, and written of it
            try:
                for tasks, group in reads_in_order(to_read.groups(), settings, READ_AHEAD):
                    events = group.batch()
                    row = 0
                    for (item, _), read in zip(tasks, group.files):
                        if read.status == "skipped":
                            summary.skipped += 1
                            fingerprint = _trusted_fingerprint(item, started_ns)
                            if known[item.source_file].fingerprint != fingerprint:
                                store.refresh_fingerprint(item.source_file, fingerprint)
                            continue
                        store.begin_file(item.source_file, replaces_existing=item.source_file in known)
                        if read.status == "held":
                            store.add_events(events, row, row + read.event_count)
                            row += read.event_count
                        elif read.status == "stream":
                            read = _stream_file(item, store, options)
                        read = _end_file(item, read, store, loaded_by_sha, _trusted_fingerprint(item, started_ns))
                        if read.error is None:
                            summary.loaded += 1
                            summary.lines += read.line_count
                        else:
                            summary.rejected += 1
                            summary.rejections.append((item.source_file, read.error))
                            bar.clear()
                            warn(f"warning: rejected {item.source_file}: {read.error}")
                        summary.bytes_read += read.decompressed_bytes
                        pending_bytes += read.decompressed_bytes
                        if pending_bytes >= options.commit_bytes:
                            store.commit()
                            pending_bytes = written_bytes = 0
                    if pending_bytes - written_bytes >= WRITE_BYTES:
                        store.write()
                        written_bytes = pending_bytes
                    done = summary.loaded + summary.skipped + summary.rejected
                    bar.set_postfix_str(f"file {done:,}/{to_read.seen:,}", refresh=False)
                    bar.update(sum(item.size_bytes for item, _ in tasks))
                store.commit()
                store.close()
            except BaseException:
                store.rollback()
                raise
        finally:
            connection.close()
    finally:
        listing.close()
        bar.close()
        close_archives()
    summary.seconds = time.perf_counter() - started
    return summary


class _Listing:
    """Every file behind ``paths`` in order, listed by a child process started at once, while
    the caller opens the database and reads what it holds: a large tree takes seconds to list,
    and on a thread of this process its Python would hold the GIL that DuckDB's writes need.
    The pipe holds a few lists ahead at most."""

    def __init__(self, paths: list[str]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_list, args=(paths, sender, os.getpid()), name="list-input",
                                        daemon=True)
        self._process.start()
        sender.close()

    def __iter__(self) -> Iterator[InputFile]:
        while True:
            try:
                files = self._receiver.recv()
            except EOFError as error:  # the process ended without its closing None
                raise HelperStopped("the process listing the input") from error
            if files is None:
                return
            if isinstance(files, BaseException):
                raise files
            yield from files

    def close(self) -> None:
        self._receiver.close()
        self._process.kill()
        self._process.join()


def _list(paths: list[str], sender: Connection, parent: int) -> None:
    """The listing process: lists of WALK_CHUNK files, then None (or the error that stopped it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the loader, which stops this process
    die_with(parent)
    try:
        files: list[InputFile] = []
        for path in paths:
            for item in iter_input_files(path):
                files.append(item)
                if len(files) == WALK_CHUNK:
                    sender.send(files)
                    files = []
        sender.send(files)
        sender.send(None)
    except BaseException as error:  # handed to the caller
        sender.send(error)


class _ToRead:
    """The listed files in groups to read: files known unchanged by their size and date are
    counted as skipped here, never opened nor queued."""

    def __init__(self, listed: Iterator[InputFile], known: dict[str, KnownFile], options: Options,
                 summary: Summary, bar: tqdm) -> None:
        self._listed = listed
        self._known = known
        self._options = options
        self._summary = summary
        self._bar = bar
        self.seen = 0  # files listed so far

    def groups(self) -> Iterator[list[Task]]:
        """Consecutive files in groups of about GROUP_BYTES (as stored) or GROUP_FILES files."""
        group: list[Task] = []
        size = 0
        for item in self._listed:
            self.seen += 1
            self._bar.total += item.size_bytes
            previous = self._known.get(item.source_file)
            if previous is not None and self._options.retry_rejected and previous.status == "rejected":
                previous = None
            if previous is not None and not self._options.rehash and previous.is_unchanged(item.fingerprint()):
                self._summary.skipped += 1
                self._summary.skipped_unread += 1
                self._bar.update(item.size_bytes)
                continue
            # A file already seen whose size or date changed (or any, with --rehash) is skipped
            # when its sha256 is unchanged. Another size is another file: no need to hash it.
            same_size = previous is not None and item.size_bytes == previous.size_bytes
            group.append((item, previous.sha256 if same_size else None))
            size += item.size_bytes
            if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
                yield group
                group, size = [], 0
        if group:
            yield group


def _trusted_fingerprint(item: InputFile, started_ns: int) -> Fingerprint | None:
    """The item's size and date, unless its date is too recent to be trusted (see RACY_NS)."""
    if item.mtime_ns is not None and item.mtime_ns > started_ns - RACY_NS:
        return None
    return item.fingerprint()


def _stream_file(item: InputFile, store: RawStore, options: Options) -> FileRead:
    """Read a big file again in the main process, cutting and writing its events as it goes."""
    facts = FileFacts()
    cutter = StreamCutter(item.source_file)
    try:
        for segment in read_segments(item, facts, options.limits):
            for batch in cutter.feed(segment.text):
                store.add_events(batch, 0, batch.num_rows)
            store.write(unfinished=item.source_file)
        for batch in cutter.finish():
            store.add_events(batch, 0, batch.num_rows)
    except RejectedFile as rejection:
        return file_read("rejected", facts, str(rejection))
    except OSError as failure:
        return file_read("rejected", facts, f"cannot read the file: {failure}")
    return file_read("held", facts)


def _end_file(item: InputFile, read: FileRead, store: RawStore, loaded_by_sha: dict[str, str],
              fingerprint: Fingerprint | None) -> FileRead:
    """Record one file in the store's open transaction (a second copy of loaded bytes is
    rejected); return the final outcome."""
    source_file = item.source_file
    error = read.error
    if error is None:
        twin = loaded_by_sha.get(read.sha256)
        if twin is not None and twin != source_file:
            error = f"same bytes as {twin}, already loaded; its lines are counted once"
        else:
            loaded_by_sha[read.sha256] = source_file
    store.end_file(
        source_file,
        sha256=read.sha256,
        size_bytes=item.size_bytes,
        line_count=read.line_count,
        error=error,
        has_invalid_utf8=read.has_invalid_utf8,
        fingerprint=fingerprint,
    )
    return read if error is read.error else read._replace(error=error)


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
