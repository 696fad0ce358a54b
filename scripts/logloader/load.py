"""A load: every file behind the paths given into the raw tables (:func:`load_paths`).

How a load runs: a child process lists the input; worker processes (one per
core, :mod:`workers`) read, check and cut groups of files; this process does
the bookkeeping (which physical file it is, what it is named, whether it is
new, changed, a duplicate, or gone) and a writer thread writes to DuckDB
(:mod:`store`). A file too big to hold is streamed by this process.

Each physical file (its ``location``, see :mod:`inputs`) is read at most once
per run, whatever the paths given (the same folder twice, two paths to the
same files, a symbolic link). A file keeps the name it was first stored under;
a new file whose name is taken by another file gets `` (2)`` (or the next free
number) after its name, and the run says so.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from tqdm import tqdm

from .errors import HelperStopped, RejectedFile
from .events import StreamCutter
from .inputs import Fingerprint, InputFile, Notice, Root, close_archives, iter_input_files, resolve_root
from .reader import MEGABYTE, FileFacts, Limits, read_segments
from .store import FileStatus, KnownFile, RawStore, connect
from .workers import FileRead, ReadOutcome, ReadSettings, Task, die_with, file_read, reads_in_order

# Worker processes read groups of consecutive files (about GROUP_BYTES as stored, at most
# GROUP_FILES files) and cut their events in one vectorised pass: a few MB of text per pass.
# They run READ_AHEAD groups ahead of this process and hold a file whole only up to
# PREFETCH_BYTES, a group up to about GROUP_HELD_BYTES (the rest is streamed by this
# process): memory stays bounded by about READ_AHEAD x (GROUP_HELD_BYTES + PREFETCH_BYTES),
# the writes waiting (store.WRITES_AHEAD groups) and the longest event.
READ_AHEAD = 8
GROUP_BYTES = MEGABYTE // 2
GROUP_FILES = 256
PREFETCH_BYTES = 32 * MEGABYTE
GROUP_HELD_BYTES = 8 * MEGABYTE
# Events go to DuckDB this much text at a time (a few groups: fewer, larger inserts cost DuckDB less).
WRITE_BYTES = 16 * MEGABYTE
# The input is listed by a child process and sent this many files at a time.
WALK_CHUNK = 1024
# A file modified this close to the run's start (or later) may change again within the
# same clock tick after it was read: its date is not recorded, so the next run hashes it.
RACY_NS = 2_000_000_000
# Names of files gone from the input listed in the warning (the rest are counted).
GONE_SHOWN = 10

Warn = Callable[[str], None]


@dataclass
class Summary:
    """What a load did."""

    loaded: int = 0
    replaced: int = 0  # of the loaded: new versions of files loaded before
    skipped: int = 0
    skipped_unread: int = 0
    rejected: int = 0
    repeated: int = 0  # files listed again in the same run (given twice), read once
    renamed: int = 0  # new files stored under another name than their own (the name was taken)
    gone: list[str] = field(default_factory=list)  # recorded under a path given, no longer there
    retired: int = 0
    lines: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        megabytes = self.bytes_read / MEGABYTE
        rate = megabytes / self.seconds if self.seconds > 0 else 0.0
        files = [
            f"files loaded {self.loaded:,}"
            + (f" ({self.replaced:,} replacing an earlier version)" if self.replaced else ""),
            f"skipped (already loaded) {self.skipped:,}",
            f"rejected {self.rejected:,}",
        ]
        if self.repeated:
            files.append(f"given more than once {self.repeated:,} (read once)")
        if self.gone:
            files.append(
                f"gone from the input {len(self.gone):,}"
                + (f" (retired {self.retired:,})" if self.retired else " (kept)")
            )
        parts = [
            ", ".join(files),
            f"lines {self.lines:,}",
            f"{megabytes:,.1f} MB read in {self.seconds:.2f} s ({rate:,.0f} MB/s)",
        ]
        if self.skipped:
            parts.append(f"{self.skipped_unread:,} of the skipped files known unchanged by size and date, not read")
        return "; ".join(parts)


@dataclass(frozen=True)
class Options:
    """How a load reads and records the files (the command line's options)."""

    limits: Limits = Limits()
    commit_bytes: int = 256 * MEGABYTE
    retry_rejected: bool = False
    rehash: bool = False
    retire_missing: bool = False


def _print_warning(message: str) -> None:
    print(message, file=sys.stderr)


def load_paths(
    paths: Iterable[str],
    database: str,
    options: Options = Options(),
    *,
    wait_seconds: float = 0.0,
    progress: bool = False,
    warn: Warn = _print_warning,
) -> Summary:
    """Load every file behind ``paths`` into ``database``; return what happened."""
    started = time.perf_counter()
    started_ns = time.time_ns()
    roots = [resolve_root(path) for path in paths]
    summary = Summary()
    settings = ReadSettings(options.limits, PREFETCH_BYTES, GROUP_HELD_BYTES)
    bar = tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, disable=not progress, desc="loading")

    def say(message: str) -> None:
        bar.clear()
        warn(message)

    listing = _Listing([root.given for root in roots])
    try:
        connection = connect(database, wait_seconds)
        try:
            store = RawStore(connection, datetime.now(UTC).replace(tzinfo=None))
            known = store.known_files()
            loaded_by_sha = {
                entry.sha256: entry.source_file for entry in known.values() if entry.status is FileStatus.LOADED
            }
            to_read = _ToRead(iter(listing), known, options, summary, bar, say)
            pending_bytes = written_bytes = 0  # text since the last commit, and written of it
            try:
                for tasks, group in reads_in_order(to_read.groups(), settings, READ_AHEAD):
                    events = group.batch()
                    row = 0
                    for (item, _), read in zip(tasks, group.files):
                        previous = known.get(item.location)
                        if read.status is ReadOutcome.SKIPPED:
                            summary.skipped += 1
                            fingerprint = _trusted_fingerprint(item, started_ns)
                            if previous is not None and previous.fingerprint != fingerprint:
                                store.refresh_fingerprint(item.source_file, fingerprint)
                            continue
                        store.begin_file(item.source_file, replaces_existing=previous is not None)
                        if read.status is ReadOutcome.HELD:
                            store.add_events(events, row, row + read.event_count)
                            row += read.event_count
                        elif read.status is ReadOutcome.STREAM:
                            read = _stream_file(item, store, options)
                        read = _end_file(item, read, store, loaded_by_sha, _trusted_fingerprint(item, started_ns))
                        if read.error is None:
                            summary.loaded += 1
                            summary.lines += read.line_count
                            if previous is not None and previous.status is FileStatus.LOADED:
                                summary.replaced += 1
                                say(
                                    f"note: {item.source_file} changed since it was loaded; its rows are replaced "
                                    "by the new version"
                                )
                        else:
                            summary.rejected += 1
                            summary.rejections.append((item.source_file, read.error))
                            say(f"warning: rejected {item.source_file}: {read.error}")
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
            _gone_files(roots, to_read, known, store, options, summary, say)
        finally:
            connection.close()
    finally:
        listing.close()
        bar.close()
        close_archives()
    summary.seconds = time.perf_counter() - started
    return summary


def _gone_files(
    roots: list[Root],
    to_read: _ToRead,
    known: dict[str, KnownFile],
    store: RawStore,
    options: Options,
    summary: Summary,
    say: Warn,
) -> None:
    """Report the files recorded under a path given that the run no longer found (and retire
    them with ``options.retire_missing``). Files under a folder that could not be listed are
    not gone: they could not be looked for."""
    unlisted = [os.path.join(location, "") for location in to_read.unlisted_folders]
    gone: dict[str, list[str]] = {}
    for location, entry in known.items():
        if entry.status is FileStatus.RETIRED or location in to_read.listed:
            continue
        if any(location.startswith(folder) for folder in unlisted):
            continue
        root = next((root for root in roots if root.holds(location)), None)
        if root is not None:
            gone.setdefault(root.given, []).append(entry.source_file)
    for given, names in gone.items():
        names.sort()
        summary.gone.extend(names)
        shown = ", ".join(names[:GONE_SHOWN]) + (
            f" and {len(names) - GONE_SHOWN:,} more" if len(names) > GONE_SHOWN else ""
        )
        if options.retire_missing:
            when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            store.retire(names, f"retired on {when} (--retire-missing): no longer in {given}")
            summary.retired += len(names)
            say(f"note: retired {len(names):,} files no longer in {given} (their events are deleted): {shown}")
        else:
            say(
                f"warning: {len(names):,} files recorded under {given} are no longer there; their rows are kept "
                f"(the logs are the record; --retire-missing retires them): {shown}"
            )


class _Listing:
    """Every file behind ``paths`` in order (and :class:`Notice` s), listed by a child process
    started at once, while the caller opens the database and reads what it holds: a large
    tree takes seconds to list, and on a thread of this process its Python would hold the
    GIL that DuckDB's writes need. The pipe holds a few lists ahead at most."""

    def __init__(self, paths: list[str]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_list, args=(paths, sender, os.getpid()), name="list-input", daemon=True)
        self._process.start()
        sender.close()

    def __iter__(self) -> Iterator[InputFile | Notice]:
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
        files: list[InputFile | Notice] = []
        for path in paths:
            count = 0
            for item in iter_input_files(path):
                files.append(item)
                count += 1
                if len(files) == WALK_CHUNK:
                    sender.send(files)
                    files = []
            if count == 0:
                files.append(Notice(f"note: {path} holds no files (an empty folder or zip): nothing to load from it"))
        sender.send(files)
        sender.send(None)
    except BaseException as error:  # handed to the caller
        sender.send(error)


class _ToRead:
    """The listed files in groups to read. Each physical file is taken once (the others are
    counted as repeated) under its recorded name, or its own when free, or a free variant;
    files known unchanged by their size and date are counted as skipped here, never opened
    nor queued."""

    def __init__(
        self,
        listed: Iterator[InputFile | Notice],
        known: dict[str, KnownFile],
        options: Options,
        summary: Summary,
        bar: tqdm,
        say: Warn,
    ) -> None:
        self._listed = listed
        self._known = known
        self._options = options
        self._summary = summary
        self._bar = bar
        self._say = say
        self._taken = {entry.source_file for entry in known.values()}
        self.listed: set[str] = set()  # locations listed in this run
        self.unlisted_folders: list[str] = []  # locations of folders that could not be listed
        self.seen = 0  # files listed so far

    def groups(self) -> Iterator[list[Task]]:
        """Consecutive files in groups of about GROUP_BYTES (as stored) or GROUP_FILES files."""
        group: list[Task] = []
        size = 0
        for item in self._listed:
            if isinstance(item, Notice):
                self._say(item.text)
                continue
            if item.location in self.listed:
                self._summary.repeated += 1
                continue
            self.listed.add(item.location)
            if item.is_folder:
                self.unlisted_folders.append(item.location)
            self.seen += 1
            self._bar.total += item.size_bytes
            previous = self._known.get(item.location)
            item = self._named(item, previous)
            if previous is not None and (
                previous.status is FileStatus.RETIRED
                or (self._options.retry_rejected and previous.status is FileStatus.REJECTED)
            ):
                previous = None
            if previous is not None and not self._options.rehash and previous.is_unchanged(item.fingerprint()):
                self._summary.skipped += 1
                self._summary.skipped_unread += 1
                self._bar.update(item.size_bytes)
                continue
            # A file already seen whose size or date changed (or any, with --rehash) is skipped
            # when its sha256 is unchanged. Another size is another file: no need to hash it.
            same_size = previous is not None and item.size_bytes == previous.size_bytes and not item.problem
            group.append((item, previous.sha256 if same_size else None))
            size += item.size_bytes
            if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
                yield group
                group, size = [], 0
        if group:
            yield group

    def _named(self, item: InputFile, previous: KnownFile | None) -> InputFile:
        """The item under its recorded name, or its own, or (taken by another file) a free variant."""
        if previous is not None:
            name = previous.source_file
        else:
            name = item.source_file
            if name in self._taken:
                number = 2
                while f"{name} ({number})" in self._taken:
                    number += 1
                name = f"{name} ({number})"
                self._summary.renamed += 1
                self._say(f"note: {item.source_file} is taken by another file; {item.location} is stored as {name}")
            self._taken.add(name)
        return item if name == item.source_file else item._replace(source_file=name)


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
        return file_read(ReadOutcome.REJECTED, facts, str(rejection))
    except OSError as failure:
        return file_read(ReadOutcome.REJECTED, facts, f"cannot read the file: {failure}")
    return file_read(ReadOutcome.HELD, facts)


def _end_file(
    item: InputFile, read: FileRead, store: RawStore, loaded_by_sha: dict[str, str], fingerprint: Fingerprint | None
) -> FileRead:
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
        location=item.location,
        sha256=read.sha256,
        size_bytes=item.size_bytes,
        line_count=read.line_count,
        error=error,
        has_invalid_utf8=read.has_invalid_utf8,
        fingerprint=fingerprint,
    )
    return read if error is read.error else read._replace(error=error)


# The lake loader (scripts/lakeloader) keeps its books by the same rules, on Spark: these are
# the pieces it shares with this module (which files to read under which name, the trusted
# date, the files gone from the input).
FilesToRead = _ToRead
trusted_fingerprint = _trusted_fingerprint
report_gone_files = _gone_files
