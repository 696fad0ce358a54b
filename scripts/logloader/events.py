"""Cut decompressed log text into CloudWatch events, vectorised (pyarrow.compute).

An event starts at a line that begins with an ingestion timestamp
``YYYY-MM-DDTHH:MM:SS.mmmZ`` and a space (the 25 bytes of ``SHAPE``; dbt's
``event_start_pattern``) and runs to the line before the next such line.
Lines before a file's first event start form event 0, so no line is lost.
``event_text`` is the event's lines joined by ``\\n`` exactly as read (a CRLF
file's ``\\r`` kept, the exporter's empty line after each event kept).

The work is done over the bytes of many files at once, never in a Python
loop per line or per event: the positions of ``\\n`` give the line starts;
the 25 bytes at each line start are checked against the timestamp shape with
gathers (``take``) that drop non-matching candidates as they go (the space at
byte 24 and the ``Z`` at byte 23 first, which already rules out almost every
continuation and empty line); the event rows are ranges of line starts, and
their text is one ``binary_slice`` of the buffer (which drops the ``\\n``
that separates an event from the next). Everything runs in Arrow's C++ with
the GIL released, so the loader's worker threads cut in parallel.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

SHAPE = b"0000-00-00T00:00:00.000Z "  # '0' stands for any ASCII digit
EVENT_SCHEMA = pa.schema(
    [
        ("source_file", pa.dictionary(pa.int32(), pa.string())),
        ("event_number_in_file", pa.int64()),
        ("line_number", pa.int64()),
        ("last_line_number", pa.int64()),
        ("line_count", pa.int64()),
        ("event_text", pa.large_string()),
    ]
)
EVENT_COLUMNS = tuple(EVENT_SCHEMA.names)

_LF = pa.scalar(ord("\n"), pa.uint8())
_DIGIT_LOW, _DIGIT_HIGH = pa.scalar(ord("0"), pa.uint8()), pa.scalar(ord("9"), pa.uint8())
# byte offset in the line -> the byte it must be (None: any digit); space and 'Z' first
_CHECKS = sorted(
    ((offset, None if byte == ord("0") else pa.scalar(byte, pa.uint8())) for offset, byte in enumerate(SHAPE)),
    key=lambda check: (check[1] is None, -check[0]),
)
_OFFSETS = {offset: pa.scalar(offset, pa.int64()) for offset in range(len(SHAPE))}
_ONE = pa.scalar(1, pa.int64())


@dataclass(frozen=True)
class EventSlice:
    """Rows ``start`` to ``stop`` of a batch of events: one file's events."""

    batch: pa.RecordBatch | None
    start: int
    stop: int

    def text_bytes(self) -> int:
        if self.batch is None or self.stop <= self.start:
            return 0
        offsets = large_offsets(self.batch.column(EVENT_COLUMNS.index("event_text")))
        return offsets[self.stop].as_py() - offsets[self.start].as_py()


def large_offsets(strings: pa.Array) -> pa.Array:
    """The int64 value offsets of a large_string/large_binary array (n + 1 of them)."""
    return pa.Array.from_buffers(pa.int64(), len(strings) + 1, [None, strings.buffers()[1]], offset=strings.offset)


@dataclass(frozen=True)
class Part:
    """Consecutive whole lines of one file inside a buffer.

    ``continues``: the part's first line carries on an event begun in an earlier
    part (a file streamed in pieces); it starts an event only if it has the
    timestamp. Otherwise (a whole file, or a file's first piece) the first line
    always starts an event: number 0 when it has no timestamp.
    """

    source_index: int  # index of the file name in the names given to cut_events
    line_count: int
    first_line_number: int = 1  # the part's first line's number in its file
    events_before: int = 0  # events with a timestamp in the file before this part
    continues: bool = False


@dataclass(frozen=True)
class PartEvents:
    """Where a part's events are in the batch, and the lines before its first event
    (only for a part that ``continues``: they belong to the previous part's last event)."""

    start: int
    stop: int
    head_lines: int
    head_bytes: int


def cut_events(buffer: bytes, parts: list[Part], names: list[str]) -> tuple[pa.RecordBatch, list[PartEvents]]:
    """Cut ``buffer`` (valid UTF-8: the parts' lines, each ended by ``\\n``) into events.

    Returns one batch of rows in buffer order (schema ``EVENT_SCHEMA``) and, per
    part, the range of its rows. A part that ``continues`` and does not start with
    a timestamp has its leading lines reported as a head, not as a row.
    """
    size = len(buffer)
    data = pa.Array.from_buffers(pa.uint8(), size, [None, pa.py_buffer(buffer)])
    line_ends = pc.indices_nonzero(pc.equal(data, _LF)).cast(pa.int64())
    line_total = len(line_ends)
    if line_total != sum(part.line_count for part in parts) or (size and buffer[-1:] != b"\n"):
        raise ValueError("cut_events: the buffer does not hold the parts' lines, each ended by a line feed")
    line_starts = pa.concat_arrays([pa.array([0], pa.int64()), pc.add(line_ends.slice(0, line_total - 1), _ONE)])
    timestamp_lines = _timestamp_lines(data, line_starts, size)

    part_first_line = pa.array(_running_starts(part.line_count for part in parts), pa.int64())
    forced = [first for first, part in zip(part_first_line.to_pylist(), parts) if not part.continues]
    boundaries = timestamp_lines
    if forced:
        boundaries = pc.unique(pa.concat_arrays([pa.array(forced, pa.int64()), timestamp_lines]))
        boundaries = pc.take(boundaries, pc.sort_indices(boundaries))
    event_total = len(boundaries)

    part_of = pc.subtract(pc.search_sorted(part_first_line, boundaries, side="right"), _ONE)
    is_timestamped = pc.is_in(boundaries, value_set=timestamp_lines)
    stamped_so_far = pc.cumulative_sum(is_timestamped.cast(pa.int64()))
    stamped_before_part = pc.search_sorted(timestamp_lines, part_first_line, side="left")
    events_before = pa.array([part.events_before for part in parts], pa.int64())
    event_number = pc.add(
        pc.subtract(stamped_so_far, pc.take(stamped_before_part, part_of)), pc.take(events_before, part_of)
    )
    first_line_number = pa.array([part.first_line_number for part in parts], pa.int64())
    line_number = pc.add(pc.subtract(boundaries, pc.take(part_first_line, part_of)), pc.take(first_line_number, part_of))
    next_boundary = pa.concat_arrays([boundaries, pa.array([line_total], pa.int64())]).slice(1)
    line_count = pc.subtract(next_boundary, boundaries)
    last_line_number = pc.subtract(pc.add(line_number, line_count), _ONE)

    # Each event's bytes run from its first line's start to the next event's start
    # (or the buffer's end): its lines plus one "\n", which binary_slice drops.
    offsets = pa.concat_arrays([pc.take(line_starts, boundaries), pa.array([size], pa.int64())])
    with_line_feed = pa.Array.from_buffers(
        pa.large_binary(), event_total, [None, offsets.buffers()[1], pa.py_buffer(buffer)]
    )
    event_text = pc.binary_slice(with_line_feed, 0, -1).view(pa.large_string())
    source_file = pa.DictionaryArray.from_arrays(
        part_of.cast(pa.int32()) if event_total else pa.array([], pa.int32()), pa.array(names, pa.string())
    )
    batch = pa.RecordBatch.from_arrays(
        [source_file, event_number, line_number, last_line_number, line_count, event_text], schema=EVENT_SCHEMA
    )
    return batch, _part_ranges(parts, part_first_line, boundaries, line_starts, line_total, size)


def _timestamp_lines(data: pa.Array, line_starts: pa.Array, size: int) -> pa.Array:
    """Indices of the lines that begin with the 25 bytes of SHAPE."""
    room = pc.search_sorted(line_starts, pa.scalar(size - len(SHAPE), pa.int64()), side="right").as_py()
    candidates = line_starts.slice(0, room)  # a line start with 25 bytes after it
    selected = None
    for offset, expected in _CHECKS:
        found = pc.take(data, pc.add(candidates, _OFFSETS[offset]))
        if expected is None:
            matches = pc.and_(pc.greater_equal(found, _DIGIT_LOW), pc.less_equal(found, _DIGIT_HIGH))
        else:
            matches = pc.equal(found, expected)
        keep = pc.indices_nonzero(matches)
        selected = keep if selected is None else pc.take(selected, keep)
        candidates = pc.take(candidates, keep)
    return selected.cast(pa.int64())


def _running_starts(counts) -> list[int]:
    starts, total = [], 0
    for count in counts:
        starts.append(total)
        total += count
    return starts


def _part_ranges(parts: list[Part], part_first_line: pa.Array, boundaries: pa.Array, line_starts: pa.Array,
                 line_total: int, size: int) -> list[PartEvents]:
    firsts = pc.search_sorted(boundaries, part_first_line, side="left").to_pylist() + [len(boundaries)]
    first_lines = part_first_line.to_pylist() + [line_total]
    ranges = []
    for index, part in enumerate(parts):
        start, stop = firsts[index], firsts[index + 1]
        head_lines = head_bytes = 0
        if part.continues:
            head_end_line = boundaries[start].as_py() if start < stop else first_lines[index + 1]
            head_lines = head_end_line - first_lines[index]
            if head_lines:
                begin = line_starts[first_lines[index]].as_py()
                end = line_starts[head_end_line].as_py() if head_end_line < line_total else size
                head_bytes = end - begin
        ranges.append(PartEvents(start, stop, head_lines, head_bytes))
    return ranges


class StreamCutter:
    """Cuts one file that is read in pieces (too big to hold): each piece's complete
    events are returned as soon as the next event start is seen; the last event is
    held until then (so memory holds the longest event, not the file)."""

    def __init__(self, source_file: str) -> None:
        self._names = [source_file]
        self._next_line_number = 1
        self._events_before = 0
        self._open_pieces: list[bytes] = []  # text of the unfinished event, lines joined by "\n"
        self._open_first_line = 0
        self._open_line_count = 0
        self._open_number = 0
        self._started = False

    def feed(self, lines: bytes) -> list[pa.RecordBatch]:
        """Add whole lines (valid UTF-8, joined by ``\\n``, no final one); return finished events."""
        line_count = lines.count(b"\n") + 1
        part = Part(0, line_count, self._next_line_number, self._events_before, continues=self._started)
        batch, (where,) = cut_events(lines + b"\n", [part], self._names)
        self._next_line_number += line_count
        finished = []
        if where.head_lines:  # the piece's first lines carry on the open event
            self._open_pieces.append(lines[: where.head_bytes - 1])
            self._open_line_count += where.head_lines
        if where.stop > where.start:
            if self._started and self._open_line_count:
                finished.append(self._open_event())
            finished.append(batch.slice(0, batch.num_rows - 1))
            last = batch.slice(batch.num_rows - 1)
            self._open_pieces = [last.column("event_text")[0].as_py().encode()]
            self._open_first_line = last.column("line_number")[0].as_py()
            self._open_line_count = last.column("line_count")[0].as_py()
            self._open_number = last.column("event_number_in_file")[0].as_py()
            self._events_before = self._open_number
        self._started = True
        return [batch for batch in finished if batch.num_rows]

    def finish(self) -> list[pa.RecordBatch]:
        """The file's last event (none for a file that had no line)."""
        return [self._open_event()] if self._started and self._open_line_count else []

    def _open_event(self) -> pa.RecordBatch:
        text = b"\n".join(self._open_pieces)
        self._open_pieces = []
        row = [
            pa.DictionaryArray.from_arrays(pa.array([0], pa.int32()), pa.array(self._names, pa.string())),
            pa.array([self._open_number], pa.int64()),
            pa.array([self._open_first_line], pa.int64()),
            pa.array([self._open_first_line + self._open_line_count - 1], pa.int64()),
            pa.array([self._open_line_count], pa.int64()),
            pa.array([text.decode("utf-8")], pa.large_string()),
        ]
        self._open_line_count = 0
        return pa.RecordBatch.from_arrays(row, schema=EVENT_SCHEMA)
