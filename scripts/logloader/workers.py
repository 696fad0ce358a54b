"""Read groups of files into CloudWatch events in worker processes.

The main process lists the input and writes to DuckDB; reading, hashing,
decompressing, checking and cutting run in ``os.cpu_count()`` worker processes
forked from it, a group of consecutive files per task, so no part of that work
waits for another's GIL (measured: ~100 µs of Python per 10 KB file, as much as
the rest of a 1 GB load, serialised by the GIL when it ran on threads). A group's
events come back as one Arrow IPC stream, which the main process reads in place.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import pyarrow as pa

from .errors import HelperStopped, RejectedFile
from .events import Part, cut_events
from .inputs import InputFile
from .reader import FileFacts, Limits, read_small, read_whole, sha256_of

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WORKER_NICENESS = 5


@dataclass(frozen=True)
class ReadSettings:
    """What a worker needs besides the files: the limits, and how much text it may hold
    (past ``prefetch_bytes`` a file is left to the writer, which streams it; past
    ``group_held_bytes`` of a group the group's remaining files are too)."""

    limits: Limits
    prefetch_bytes: int
    group_held_bytes: int


class ReadOutcome(StrEnum):
    """What reading one file came to."""

    HELD = "held"  # its events are in its group's batch
    SKIPPED = "skipped"  # the same sha256 as the version loaded
    REJECTED = "rejected"  # FileRead.error says why
    STREAM = "stream"  # too big to hold: the main process reads it in pieces


class FileRead(NamedTuple):
    """What reading one file found (``event_count``: its events in its group's batch)."""

    status: ReadOutcome
    sha256: str = ""
    line_count: int = 0
    decompressed_bytes: int = 0
    has_invalid_utf8: bool = False
    error: str | None = None
    event_count: int = 0


STREAM = FileRead(ReadOutcome.STREAM)
SKIPPED = FileRead(ReadOutcome.SKIPPED)


def file_read(status: ReadOutcome, facts: FileFacts, error: str | None = None) -> FileRead:
    return FileRead(status, facts.sha256, facts.line_count, facts.decompressed_bytes, facts.has_invalid_utf8, error)


class GroupRead(NamedTuple):
    """A group's files, and the events of its held files in file order (Arrow IPC stream)."""

    files: list[FileRead]
    events: bytes | None

    def batch(self) -> pa.RecordBatch | None:
        return None if self.events is None else pa.ipc.open_stream(self.events).read_next_batch()


# A file to read, with the sha256 of the version already loaded when it has the same size
# (the file is skipped when its bytes hash to it).
Task = tuple[InputFile, "str | None"]


def read_group(tasks: list[Task], settings: ReadSettings) -> GroupRead:
    """Read consecutive files and cut their events in one vectorised pass (a few MB of
    text at once: the fixed cost of each numpy call is spread, the text stays in cache)."""
    reads: list[FileRead] = []
    texts: list[bytes] = []
    held: list[int] = []  # index in reads of each text
    held_bytes = 0
    for item, known_sha256 in tasks:
        if held_bytes > settings.group_held_bytes:
            reads.append(STREAM)
            continue
        read, text = _read_file(item, known_sha256, settings)
        if text is not None:
            held.append(len(reads))
            texts.append(text)
            held_bytes += len(text)
        reads.append(read)
    if not texts:
        return GroupRead(reads, None)
    parts = [Part(index, reads[where].line_count) for index, where in enumerate(held)]
    batch, ranges = cut_events(b"".join(texts), parts, [tasks[where][0].source_file for where in held])
    for where, events in zip(held, ranges):
        reads[where] = reads[where]._replace(event_count=events.stop - events.start)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return GroupRead(reads, sink.getvalue().to_pybytes())


def _read_file(item: InputFile, known_sha256: str | None, settings: ReadSettings) -> tuple[FileRead, bytes | None]:
    facts = FileFacts()
    try:
        data = read_small(item)
        if known_sha256 is not None and sha256_of(item, data) == known_sha256:
            return SKIPPED, None
        text = read_whole(item, facts, settings.limits, settings.prefetch_bytes, data)
    except RejectedFile as rejection:
        return file_read(ReadOutcome.REJECTED, facts, str(rejection)), None
    except OSError as failure:
        return file_read(ReadOutcome.REJECTED, facts, f"cannot read the file: {failure}"), None
    if text is None:
        return STREAM, None
    return file_read(ReadOutcome.HELD, facts), text


def reads_in_order(
    groups: Iterator[list[Task]], settings: ReadSettings, read_ahead: int
) -> Iterator[tuple[list[Task], GroupRead]]:
    """Read groups on worker processes, at most ``read_ahead`` groups ahead of the caller,
    yielding them in order. No process is started when there is no group."""
    first = next(groups, None)
    if first is None:
        return
    pool = ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )
    try:
        window: deque[tuple[list[Task], Future[GroupRead]]] = deque()
        for group in itertools.chain([first], itertools.islice(groups, read_ahead - 1)):
            window.append((group, pool.submit(read_group, group, settings)))
        while window:
            group, future = window.popleft()
            try:
                read = future.result()
            except BrokenProcessPool as error:
                raise HelperStopped("a worker process reading the files") from error
            following = next(groups, None)
            if following is not None:
                window.append((following, pool.submit(read_group, following, settings)))
            yield group, read
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_started(parent: int) -> None:
    """A worker ignores Ctrl-C (the main process stops it) and dies with the main process,
    even when that is killed (SIGKILL): it would otherwise wait for work forever. It runs at a
    lower priority (nice WORKER_NICENESS): the DuckDB writer thread is the slowest stage and
    should never wait for a core (measured at 1 GB on 2 cores: 16.3 s at equal priority, 14.0 s)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(WORKER_NICENESS)
    die_with(parent)


def die_with(parent: int) -> None:
    """Have the kernel kill this (child) process when ``parent`` ends, killed included (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks stop a worker later
        pass
    if os.getppid() != parent:
        os._exit(1)
