"""The loader on real-looking snippets: each input form, idempotency, bad input, atomicity."""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logloader import cli, events, inputs, load, reader, workers
from logloader.errors import DatabaseBusy, HelperStopped
from logloader.load import Options, load_paths
from logloader.reader import MEGABYTE, Limits

REPO = Path(__file__).resolve().parents[2]
LOADER = REPO / "scripts" / "load_logs.py"
SAMPLE = REPO.parent / "shared" / "data"
STREAM = "a3fb6cdb-607b-469f-8f8a-ec4792e827cb/2024-02-13-[$LATEST]565b62b8d0c14c4e9a3bd6b0f0d4e1aa"
# The stored names of the tree fixture's files start with the folder given
TREE = f"balance-sync-logs/{STREAM}"

EVENT_TEXT = (
    "2024-02-13T10:00:00.000Z START RequestId: r-1 Version: $LATEST\n"
    "\n"
    "2024-02-13T10:00:00.100Z 2024-02-13T10:00:00.100Z\tr-1\tINFO\tStart syncing the balance {\n"
    "  transaction: { id: 'T1', amount: 60.181000000000004, name: 'Zoë' }\n"
    "}\n"
    "\n"
)


# An export date well before any run: a file this old is trusted by its size and date
# (a file modified in the last seconds before a run is hashed again by the next run).
OLD_MTIME_NS = 1_707_818_400_000_000_000  # 2024-02-13T10:00:00Z


def write_gzip(path: Path, text: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text))
    return path


def age(*paths: Path, mtime_ns: int = OLD_MTIME_NS) -> None:
    """Give files an old modification time, as exports copied from CloudWatch have."""
    for path in paths:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def table(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


# The lines of raw.log_events: each event's text split at "\n", numbered from its first line.
LINES_OF_EVENTS = """
select source_file, line_number + generate_subscripts(lines, 1) - 1 as line_number, unnest(lines) as line
from (select source_file, line_number, string_split(event_text, chr(10)) as lines from raw.log_events)
"""


def lines_of(database: Path) -> list[tuple]:
    return table(database, f"select source_file, line_number, line from ({LINES_OF_EVENTS}) order by all")


def events_of(database: Path) -> list[tuple]:
    return table(
        database,
        "select source_file, event_number_in_file, line_number, last_line_number, line_count, event_text "
        "from raw.log_events order by source_file, line_number",
    )


def files_of(database: Path) -> list[tuple]:
    return table(
        database,
        "select source_file, sha256, size_bytes, line_count, status, error, has_invalid_utf8 "
        "from raw.log_files order by source_file",
    )


def run_loader(*arguments: str, database: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LOADER), "--database", str(database), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "balance-sync-logs"
    age(
        write_gzip(root / STREAM / "000000.gz", EVENT_TEXT.encode()),
        write_gzip(root / STREAM / "000001.gz", b"2024-02-13T10:00:01.000Z END RequestId: r-1\n\n"),
    )
    return root


def test_folder_tree_lands_every_line_exactly(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.rejected, summary.lines) == (2, 0, 8)
    stored = lines_of(database)
    first = [row for row in stored if row[0] == f"{TREE}/000000.gz"]
    assert [line for _, _, line in first] == EVENT_TEXT.split("\n")[:-1]
    assert [number for _, number, _ in first] == list(range(1, 7))
    start, _, block_start, *block, _ = EVENT_TEXT.split("\n")[:-1]
    assert events_of(database) == [
        (f"{TREE}/000000.gz", 1, 1, 2, 2, start + "\n"),
        (f"{TREE}/000000.gz", 2, 3, 6, 4, "\n".join([block_start, *block, ""])),
        (f"{TREE}/000001.gz", 1, 1, 2, 2, "2024-02-13T10:00:01.000Z END RequestId: r-1\n"),
    ], "one row per event: its first line, continuation lines and the exporter's empty line"
    files = files_of(database)
    assert [row[0] for row in files] == [f"{TREE}/000000.gz", f"{TREE}/000001.gz"]
    assert all(row[4] == "loaded" and row[5] is None for row in files)


def test_zip_is_read_in_place_with_member_paths(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(tree.rglob("*.gz")):
            bundle.write(path, path.relative_to(tree.parent).as_posix())
    database = tmp_path / "db.duckdb"
    before = set(os.listdir(tmp_path))
    load_paths([str(archive)], str(database))
    assert set(os.listdir(tmp_path)) - before == {"db.duckdb"}, "nothing is extracted to disk"
    assert [row[0] for row in files_of(database)] == [
        f"export.zip/{TREE}/000000.gz",
        f"export.zip/{TREE}/000001.gz",
    ], "a member is named by the zip's name and its path in the zip"
    folder_database = tmp_path / "folder.duckdb"
    load_paths([str(tree.parent)], str(folder_database))

    def without_top(rows: list[tuple]) -> list[tuple]:
        return [(row[0].split("/", 1)[1], *row[1:]) for row in rows]

    assert without_top(lines_of(folder_database)) == without_top(lines_of(database)), (
        "a zip and its folder load the same rows"
    )
    assert without_top(events_of(folder_database)) == without_top(events_of(database))


def test_single_files_are_told_by_bytes_not_name(tmp_path: Path) -> None:
    plain_named_gz = tmp_path / "plain.gz"
    plain_named_gz.write_text("2024-02-13T10:00:00.000Z END RequestId: r-9\n")
    gzip_named_txt = write_gzip(tmp_path / "export.txt", b"2024-02-13T10:00:00.000Z END RequestId: r-8\n")
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(plain_named_gz), str(gzip_named_txt)], str(database))
    assert summary.loaded == 2
    assert [line for _, _, line in lines_of(database)] == [
        "2024-02-13T10:00:00.000Z END RequestId: r-8",
        "2024-02-13T10:00:00.000Z END RequestId: r-9",
    ]


def test_crlf_unterminated_last_line_and_invalid_utf8_are_kept(tmp_path: Path) -> None:
    raw = b"first\r\nsecond \xff\xfe bytes\r\n\r\nlast without newline"
    write_gzip(tmp_path / "in" / "odd.gz", raw)
    database = tmp_path / "db.duckdb"
    load_paths([str(tmp_path / "in")], str(database))
    assert [line for _, _, line in lines_of(database)] == [
        "first\r",
        "second \ufffd\ufffd bytes\r",
        "\r",
        "last without newline",
    ]
    ((_, _, _, line_count, status, error, invalid),) = files_of(database)
    assert (line_count, status, error, invalid) == (4, "loaded", None, True)
    assert events_of(database) == [
        ("in/odd.gz", 0, 1, 4, 4, "first\r\nsecond \ufffd\ufffd bytes\r\n\r\nlast without newline")
    ], "no timestamp: the whole file is event 0, every \\r kept"


def test_events_of_a_crlf_file_without_final_newline_keep_their_carriage_returns(tmp_path: Path) -> None:
    raw = (
        b"2024-02-13T10:00:00.000Z START RequestId: r-1\r\n\r\n"
        b"2024-02-13T10:00:00.100Z 2024-02-13T10:00:00.100Z\tr-1\tERROR\tbad \xc3(\r\n  at x\r\n"
        b"2024-02-13T10:00:00.200Z END RequestId: r-1"
    )
    write_gzip(tmp_path / "in" / "crlf.gz", raw)
    database = tmp_path / "db.duckdb"
    load_paths([str(tmp_path / "in")], str(database))
    assert [row[1:] for row in events_of(database)] == [
        (1, 1, 2, 2, "2024-02-13T10:00:00.000Z START RequestId: r-1\r\n\r"),
        (2, 3, 4, 2, "2024-02-13T10:00:00.100Z 2024-02-13T10:00:00.100Z\tr-1\tERROR\tbad \ufffd(\r\n  at x\r"),
        (3, 5, 5, 1, "2024-02-13T10:00:00.200Z END RequestId: r-1"),
    ]


# Lines that do and do not start an event (the cases of dbt's event_start_pattern).
STARTS_AND_NOT = [
    ("    id: '01HHEB0ZPCK6NMWZQE4DQBAGGX',", False),  # before the first start: event 0
    ("}", False),
    ("2023-12-12T06:22:20.226Z START RequestId: 2163d43b Version: $LATEST", True),
    ("", False),
    ("XRAY TraceId: 1-6577fc1b-6368ad79a9b8454f0d9df6cb\tSegmentId: 672c21551c4e4bed\tSampled: true\t", False),
    ("2023-12-12T06:22:20.226Z", False),  # a bare timestamp: no space after it
    ("2023-12-12T06:22:20.226Z\tno space", False),
    ("2023-12-28T21:01:03.857Z Unknown application error occurred", True),
    (" 2023-12-28T21:01:03.857Z indented", False),
    ("2023-12-28T21:01:03.85Z two decimals", False),
    ("2023-12-28 21:01:03.857Z no T", False),
    ("\uff12023-12-28T21:01:03.857Z a fullwidth digit is not a digit", False),
    ("2023-12-28T21:01:03.857Z ", True),  # the timestamp and its space, nothing after
    ("9999-99-99T99:99:99.999Z the shape is what counts", True),
    ("2024-02-13T10:00:00.000Z", False),  # the last line, 24 bytes: too short to start an event
]


def reference_events(source_file: str, lines: list[str]) -> list[tuple]:
    """Events as the grammar defines them, one line at a time (the loader never loops like this)."""
    shape = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z ")
    events: list[list] = []
    number = 0
    for line_number, line in enumerate(lines, start=1):
        if shape.match(line):
            number += 1
            events.append([source_file, number, line_number, line_number, 1, [line]])
        elif not events:
            events.append([source_file, 0, line_number, line_number, 1, [line]])
        else:
            events[-1][3] = line_number
            events[-1][4] += 1
            events[-1][5].append(line)
    return [(*event[:5], "\n".join(event[5])) for event in events]


def test_events_start_exactly_at_timestamped_lines(tmp_path: Path) -> None:
    lines = [line for line, _ in STARTS_AND_NOT]
    write_gzip(tmp_path / "in" / "cases.gz", ("\n".join(lines) + "\n").encode())
    database = tmp_path / "db.duckdb"
    load_paths([str(tmp_path / "in")], str(database))
    events = events_of(database)
    assert [row[2] for row in events] == [1] + [
        number for number, (_, starts) in enumerate(STARTS_AND_NOT, 1) if starts
    ]
    assert events == reference_events("in/cases.gz", lines)
    assert [row[1] for row in events] == list(range(len(events))), "event 0, then 1, 2, ... in file order"


def test_event_texts_joined_give_back_the_file(tmp_path: Path) -> None:
    """Lossless: per file, the event texts in line order joined by \\n are the file's text (its final
    \\n aside; invalid UTF-8 as U+FFFD), and their line counts add up to the file's."""
    rng = random.Random(11)
    pieces = [line for line, _ in STARTS_AND_NOT] + EVENT_TEXT.split("\n") + ["x\r", "\r", "Zoë ✓"]
    texts = {}
    for index in range(12):
        lines = [rng.choice(pieces) for _ in range(rng.randint(1, 200))]
        texts[f"f{index:02d}.gz"] = "\n".join(lines) + ("\n" if index % 3 else "")
    texts["utf8.gz"] = "2024-02-13T10:00:00.000Z bad \ufffd bytes\nnext\n"
    for name, text in texts.items():
        data = text.encode().replace("\ufffd".encode(), b"\xff") if name == "utf8.gz" else text.encode()
        write_gzip(tmp_path / "in" / name, data)
    database = tmp_path / "db.duckdb"
    load_paths([str(tmp_path / "in")], str(database))
    joined = dict(
        table(
            database,
            "select source_file, string_agg(event_text, chr(10) order by line_number) "
            "from raw.log_events group by source_file",
        )
    )
    assert joined == {f"in/{name}": text.removesuffix("\n") for name, text in texts.items()}
    assert table(
        database,
        "select count(*) from raw.log_files as f join (select source_file, sum(line_count) as n "
        "from raw.log_events group by all) using (source_file) where n <> f.line_count",
    ) == [(0,)]
    for name, text in texts.items():
        assert [row[1:] for row in events_of(database) if row[0] == f"in/{name}"] == [
            row[1:] for row in reference_events(name, text.removesuffix("\n").split("\n"))
        ], name


def test_files_streamed_in_pieces_give_the_same_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file too big to hold is read again by the writer in pieces and cut as it goes (an event
    can span pieces, or a piece hold no event start at all); a group whose text passes its limit
    leaves its last files to the writer. Same rows either way."""
    rng = random.Random(5)
    pieces = [line for line, _ in STARTS_AND_NOT] + EVENT_TEXT.split("\n") + ["y" * 300]
    for index in range(30):
        lines = [rng.choice(pieces) for _ in range(rng.randint(1, 400))]
        write_gzip(tmp_path / "in" / f"s{index:02d}.gz", ("\n".join(lines) + "\n").encode())
    write_gzip(tmp_path / "in" / "no-start.gz", ("continuation\n" * 5000).encode())
    whole = tmp_path / "whole.duckdb"
    load_paths([str(tmp_path / "in")], str(whole))
    monkeypatch.setattr(load, "PREFETCH_BYTES", 2048)
    monkeypatch.setattr(load, "GROUP_HELD_BYTES", 4096)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 777)
    streamed = tmp_path / "streamed.duckdb"
    load_paths([str(tmp_path / "in")], str(streamed), Options(commit_bytes=20_000))
    assert events_of(streamed) == events_of(whole)
    assert files_of(streamed) == files_of(whole)
    assert table(
        streamed, "select line_count, strlen(event_text) from raw.log_events where source_file = 'in/no-start.gz'"
    ) == [(5000, 13 * 5000 - 1)]


@settings(max_examples=200, deadline=None)
@given(
    files=st.lists(
        st.lists(st.sampled_from([line for line, _ in STARTS_AND_NOT] + ["", "x", "\r", "ü"]), min_size=1, max_size=40),
        min_size=1,
        max_size=6,
    ),
    piece=st.integers(min_value=1, max_value=7),
)
def test_cutting_matches_the_grammar_for_any_lines(files: list[list[str]], piece: int) -> None:
    """The vectorised cut (many files in one buffer, or one file fed in pieces) gives the
    events of the one-line-at-a-time definition."""
    names = [f"f{index}" for index in range(len(files))]
    buffer = "".join(line + "\n" for lines in files for line in lines).encode()
    batch, ranges = events.cut_events(
        buffer, [events.Part(index, len(lines)) for index, lines in enumerate(files)], names
    )
    rows = list(zip(*batch.to_pydict().values()))
    assert rows == [row for name, lines in zip(names, files) for row in reference_events(name, lines)]
    for name, where in zip(names, ranges):
        assert {row[0] for row in rows[where.start : where.stop]} == {name}
    cutter = events.StreamCutter("f0")
    streamed = []
    for first in range(0, len(files[0]), piece):
        for part in cutter.feed("\n".join(files[0][first : first + piece]).encode()):
            streamed += zip(*part.to_pydict().values())
    for part in cutter.finish():
        streamed += zip(*part.to_pydict().values())
    assert streamed == reference_events("f0", files[0])


def test_second_run_adds_nothing_and_tables_stay_identical(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    first = (lines_of(database), table(database, "select * from raw.log_files order by all"))
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped) == (0, 2)
    assert (lines_of(database), table(database, "select * from raw.log_files order by all")) == first


def test_changed_file_replaces_its_rows(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    write_gzip(tree / STREAM / "000000.gz", b"only line\n")
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped) == (1, 1)
    rows = [row for row in lines_of(database) if row[0].endswith("000000.gz")]
    assert rows == [(f"{TREE}/000000.gz", 1, "only line")]
    assert len(files_of(database)) == 2


class OpenCounter:
    """Counts every opening of an input file (folder file or zip member) by the loader, in any of
    its processes: the worker processes are forked from this one, patch included, and write to
    the same log."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
        self._log = log
        original_open = inputs.open_input

        def counting_open(item: inputs.InputFile):
            with open(log, "a") as out:
                out.write((item.member or os.path.basename(item.path)) + "\n")
            return original_open(item)

        monkeypatch.setattr(inputs, "open_input", counting_open)

    @property
    def opened(self) -> list[str]:
        return sorted(self._log.read_text().splitlines()) if self._log.exists() else []

    def clear(self) -> None:
        self._log.unlink(missing_ok=True)


def fingerprints_of(database: Path) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in table(
            database, "select source_file, size_bytes, mtime_ns, zip_crc32, zip_date_time from raw.log_files"
        )
    }


def test_unchanged_file_is_skipped_without_being_read(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    assert set(fingerprints_of(database).values()) == {
        ((tree / STREAM / name).stat().st_size, OLD_MTIME_NS, None, None) for name in ("000000.gz", "000001.gz")
    }
    before = (lines_of(database), table(database, "select * from raw.log_files order by all"))
    counter = OpenCounter(monkeypatch, tmp_path / "opened.txt")
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped, summary.skipped_unread, summary.bytes_read) == (0, 2, 2, 0)
    assert counter.opened == [], "a file with the size and date it was loaded with is not opened"
    assert (lines_of(database), table(database, "select * from raw.log_files order by all")) == before


def test_touched_file_with_the_same_bytes_is_hashed_once_then_known(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    before = lines_of(database)
    touched = tree / STREAM / "000000.gz"
    age(touched, mtime_ns=OLD_MTIME_NS + 60_000_000_123)
    counter = OpenCounter(monkeypatch, tmp_path / "opened.txt")
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped, summary.skipped_unread) == (0, 2, 1)
    assert counter.opened == ["000000.gz"], "only the touched file is read, to compare its sha256"
    assert lines_of(database) == before, "same bytes: its rows stay as they were"
    assert fingerprints_of(database)[f"{TREE}/000000.gz"][1] == OLD_MTIME_NS + 60_000_000_123, (
        "its new date is recorded"
    )
    counter.clear()
    assert load_paths([str(tree)], str(database)).skipped_unread == 2
    assert counter.opened == [], "after that the touched file is known by its size and date"


def test_changed_file_of_the_same_size_replaces_its_rows(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    log = folder / "plain.log"
    log.write_text("2024-02-13T10:00:00.000Z END RequestId: r-1\n")
    age(log)
    database = tmp_path / "db.duckdb"
    load_paths([str(folder)], str(database))
    log.write_text("2024-02-13T10:00:00.000Z END RequestId: r-2\n")
    age(log, mtime_ns=OLD_MTIME_NS + 1)
    summary = load_paths([str(folder)], str(database))
    assert (summary.loaded, summary.skipped) == (1, 0)
    assert [line for _, _, line in lines_of(database)] == ["2024-02-13T10:00:00.000Z END RequestId: r-2"]


def test_rehash_reads_every_file_and_finds_a_change_that_kept_size_and_date(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    log = folder / "plain.log"
    log.write_text("2024-02-13T10:00:00.000Z END RequestId: r-1\n")
    age(log)
    database = tmp_path / "db.duckdb"
    load_paths([str(folder), str(tree)], str(database))
    # rewritten in place with the same size, its date set back: only the bytes can tell
    log.write_text("2024-02-13T10:00:00.000Z END RequestId: r-2\n")
    age(log)
    assert load_paths([str(folder), str(tree)], str(database)).skipped_unread == 3, (
        "without --rehash size and date are trusted (the documented limit)"
    )
    counter = OpenCounter(monkeypatch, tmp_path / "opened.txt")
    summary = load_paths([str(folder), str(tree)], str(database), Options(rehash=True))
    assert (summary.loaded, summary.skipped, summary.skipped_unread) == (1, 2, 0)
    assert counter.opened == ["000000.gz", "000001.gz", "plain.log"], (
        "--rehash reads every file, once: a small file is hashed and loaded from the same bytes"
    )
    assert ("in/plain.log", 1, "2024-02-13T10:00:00.000Z END RequestId: r-2") in lines_of(database)
    result = run_loader("--rehash", str(folder), str(tree), database=database)
    assert result.returncode == 0 and "files loaded 0, skipped (already loaded) 3" in result.stdout, result.stdout


def test_zip_members_are_known_by_size_crc_and_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "export.zip"
    when = (2024, 2, 13, 10, 0, 0)

    def write_archive(second_event: bytes) -> None:
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(zipfile.ZipInfo("logs/a.log", when), b"2024-02-13T10:00:00.000Z END RequestId: r-1\n")
            bundle.writestr(zipfile.ZipInfo("logs/b.log", when), second_event)

    write_archive(b"2024-02-13T10:00:00.000Z END RequestId: r-2\n")
    database = tmp_path / "db.duckdb"
    load_paths([str(archive)], str(database))
    ((crc, date_time),) = {
        row[2:] for name, row in fingerprints_of(database).items() if name == "export.zip/logs/a.log"
    }
    assert (crc, date_time) == (zipfile.ZipFile(archive).getinfo("logs/a.log").CRC, "2024-02-13 10:00:00")
    write_archive(b"2024-02-13T10:00:00.000Z END RequestId: r-3\n")  # same size and date, other bytes
    counter = OpenCounter(monkeypatch, tmp_path / "opened.txt")
    summary = load_paths([str(archive)], str(database))
    assert (summary.loaded, summary.skipped_unread) == (1, 1)
    assert counter.opened == ["logs/b.log"], (
        "the unchanged member is not read; the changed one (CRC-32) is hashed and loaded from one read"
    )
    assert [line for _, _, line in lines_of(database)][-1] == "2024-02-13T10:00:00.000Z END RequestId: r-3"


def test_a_file_modified_just_before_the_run_is_hashed_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    write_gzip(folder / "fresh.gz", b"2024-02-13T10:00:00.000Z END RequestId: r-1\n")  # modified now
    database = tmp_path / "db.duckdb"
    load_paths([str(folder)], str(database))
    assert fingerprints_of(database)["in/fresh.gz"][1] is None, "a date this recent is not recorded"
    counter = OpenCounter(monkeypatch, tmp_path / "opened.txt")
    summary = load_paths([str(folder)], str(database))
    assert (summary.skipped, summary.skipped_unread, counter.opened) == (1, 0, ["fresh.gz"])


def test_a_database_of_an_earlier_loader_is_refused_with_what_to_do(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    with duckdb.connect(str(database)) as connection:
        connection.execute("alter table raw.log_files drop column location")
    result = run_loader(str(tree), database=database)
    assert result.returncode == 3
    assert "earlier version of the loader" in result.stderr and "new file" in result.stderr, result.stderr


def bad_inputs(folder: Path) -> dict[str, str]:
    """Write one file per kind of bad input; return name -> words its rejection must contain."""
    folder.mkdir(parents=True)
    whole = gzip.compress(EVENT_TEXT.encode() * 50)
    (folder / "truncated.gz").write_bytes(whole[: len(whole) // 2])
    corrupt = bytearray(whole)
    corrupt[20:40] = b"\x00" * 20
    (folder / "corrupt.gz").write_bytes(bytes(corrupt))
    (folder / "empty.gz").write_bytes(b"")
    (folder / "empty-gzip.gz").write_bytes(gzip.compress(b""))
    (folder / "junk.gz").write_bytes(bytes(range(256)) * 8)
    (folder / "gzipped-junk.gz").write_bytes(gzip.compress(os.urandom(4096) + b"\x00"))
    return {
        "truncated.gz": "truncated gzip",
        "corrupt.gz": "gzip",
        "empty.gz": "empty file",
        "empty-gzip.gz": "empty gzip",
        "junk.gz": "binary data",
        "gzipped-junk.gz": "binary data after gzip decompression",
    }


def test_bad_input_is_rejected_with_a_reason_and_the_rest_loads(tree: Path, tmp_path: Path) -> None:
    expected = bad_inputs(tree / "bad")
    database = tmp_path / "db.duckdb"
    result = run_loader(str(tree), database=database)
    assert result.returncode == 0, result.stderr
    rejected = {row[0].split("/")[-1]: row for row in files_of(database) if row[4] == "rejected"}
    assert set(rejected) == set(expected)
    for name, words in expected.items():
        assert words in rejected[name][5], (name, rejected[name][5])
        assert f"rejected balance-sync-logs/bad/{name}: " in result.stderr, "one warning line names each rejected file"
        assert rejected[name][3] == 0 and len(rejected[name][1]) == 64
    assert table(database, "select count(*) from raw.log_events where source_file like 'balance-sync-logs/bad/%'") == [
        (0,)
    ]
    assert table(database, "select sum(line_count) from raw.log_events") == [(8,)], "the good files load whole"
    assert "rejected 6" in result.stdout
    assert run_loader("--strict", "--retry-rejected", str(tree), database=database).returncode == 1


def test_zip_holding_junk_and_a_corrupt_zip(tree: Path, tmp_path: Path) -> None:
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("logs/deep/nested/good.gz", gzip.compress(b"a line\n"))
        bundle.writestr("logs/deep/junk.bin", bytes(range(256)) * 4)
        bundle.writestr("logs/inner.zip", b"PK\x03\x04" + b"x" * 100)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 10)
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(archive), str(broken)], str(database), warn=lambda message: None)
    assert (summary.loaded, summary.rejected) == (1, 3)
    reasons = {row[0]: row[5] for row in files_of(database)}
    assert reasons["mixed.zip/logs/deep/nested/good.gz"] is None
    assert "binary data" in reasons["mixed.zip/logs/deep/junk.bin"]
    assert "zip archive inside" in reasons["mixed.zip/logs/inner.zip"]
    assert "not a readable zip archive" in reasons["broken.zip"]


def test_decompression_bomb_is_refused_past_the_limit(tmp_path: Path) -> None:
    bomb = write_gzip(tmp_path / "in" / "bomb.gz", b"A" * 79 + b"\n" * 1 + (b"x" * 99 + b"\n") * 30_000)
    database = tmp_path / "db.duckdb"
    options = Options(limits=Limits(max_file_bytes=1 * MEGABYTE))
    summary = load_paths([str(bomb.parent)], str(database), options, warn=lambda message: None)
    assert summary.rejected == 1
    ((*_, error, _),) = files_of(database)
    assert "passes the limit of 1 MB" in error and "--max-file-mb" in error


def test_same_bytes_under_another_path_are_counted_once(tree: Path, tmp_path: Path) -> None:
    copy = tree / "copy" / "000000.gz"
    copy.parent.mkdir()
    copy.write_bytes((tree / STREAM / "000000.gz").read_bytes())
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(tree)], str(database), warn=lambda message: None)
    assert (summary.loaded, summary.rejected) == (2, 1)
    ((error,),) = table(database, "select error from raw.log_files where status = 'rejected'")
    assert "same bytes as" in error


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = run_loader(str(tmp_path / "nope"), database=tmp_path / "db.duckdb")
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_a_second_writer_gets_a_clear_message(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(database)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(DatabaseBusy, match="in use by another process"):
            load_paths([str(tree)], str(database))
        result = run_loader(str(tree), database=database)
        assert result.returncode == 3 and "--wait" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert load_paths([str(tree)], str(database), wait_seconds=5).loaded == 2


def test_help_explains_every_option() -> None:
    result = subprocess.run([sys.executable, str(LOADER), "--help"], capture_output=True, text=True, check=True)
    for option in (
        "--database",
        "--strict",
        "--retry-rejected",
        "--rehash",
        "--max-file-mb",
        "--max-line-mb",
        "--wait",
        "--progress",
    ):
        assert option in result.stdout


def test_killed_loader_leaves_whole_files_and_a_rerun_matches(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    for index in range(40):
        body = "".join(f"2024-02-13T10:00:{index % 60:02d}.000Z line {index}-{n}\n\n" for n in range(20_000))
        write_gzip(root / f"stream-{index:02d}" / "000000.gz", body.encode())
    reference = tmp_path / "reference.duckdb"
    started = time.perf_counter()
    assert run_loader("--commit-mb", "1", str(root), database=reference).returncode == 0
    duration = time.perf_counter() - started  # start-up included; kills are spread over it
    killed = tmp_path / "killed.duckdb"
    files_after_kill = []
    for share in (0.3, 0.45, 0.6, 0.75, 0.9, 0.9):
        delay = share * duration
        process = subprocess.Popen(
            [sys.executable, str(LOADER), "--commit-mb", "1", "--database", str(killed), str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if not killed.exists():
            continue
        # Whatever was committed is whole files: each recorded file has all its lines, no orphan lines.
        assert (
            table(
                killed,
                "select f.source_file from raw.log_files as f left join raw.log_events as e using (source_file) "
                "group by f.source_file, f.line_count having f.line_count <> coalesce(sum(e.line_count), 0) "
                "union all select source_file from raw.log_events anti join raw.log_files using (source_file)",
            )
            == []
        )
        files_after_kill.append(table(killed, "select count(*) from raw.log_files")[0][0])
    assert any(0 < count < 40 for count in files_after_kill), f"no kill landed mid-run: {files_after_kill}"
    assert run_loader(str(root), database=killed).returncode == 0
    assert events_of(killed) == events_of(reference)
    assert files_of(killed) == files_of(reference)


def _end_at_once(*_arguments: object) -> None:
    """Stands in for a helper process's work: the process ends as if killed."""
    os._exit(1)


@pytest.mark.parametrize(
    ("module", "function", "process"),
    [
        (load, "_list", "the process listing the input"),
        (workers, "read_group", "a worker process reading the files"),
    ],
)
def test_a_helper_process_that_dies_gives_a_clear_error_and_a_rerun_loads_all(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, function: str, process: str
) -> None:
    database = tmp_path / "loads.duckdb"
    with monkeypatch.context() as patched:
        patched.setattr(module, function, _end_at_once)
        with pytest.raises(HelperStopped, match=f"^{process} ended unexpectedly .* run the loader again"):
            load_paths([str(tree)], str(database))
    assert table(database, "select count(*) from raw.log_files") == [(0,)]
    assert load_paths([str(tree)], str(database)).loaded == 2


@pytest.mark.sample
def test_real_sample_lands_whole_and_reloads_as_nothing(tmp_path: Path) -> None:
    if not SAMPLE.is_dir():
        pytest.skip(f"the real sample logs are not here ({SAMPLE}); CI has them")
    database = tmp_path / "sample.duckdb"
    result = run_loader("--progress", "plain", str(SAMPLE), database=database)
    assert result.returncode == 0, result.stderr
    assert table(database, "select count(*), sum(line_count) from raw.log_files where status = 'loaded'") == [
        (1367, 357_295)
    ]
    assert table(database, "select sum(line_count), count(*) from raw.log_events") == [(357_295, 67_197)]
    assert table(database, f"select count(*) from ({LINES_OF_EVENTS})") == [(357_295,)]
    assert table(database, "select count(*) from raw.log_files where source_file like '%[$LATEST]%'") == [(1367,)]
    before = events_of(database)
    again = run_loader(str(SAMPLE), database=database)
    assert "files loaded 0, skipped (already loaded) 1,367, rejected 0" in again.stdout
    assert events_of(database) == before


def test_a_line_of_several_megabytes_and_a_cut_transaction_block_load_whole(tmp_path: Path) -> None:
    long_line = "2024-02-13T10:00:00.000Z 2024-02-13T10:00:00.000Z\tr-1\tINFO\trecord.body " + "x" * (6 * MEGABYTE)
    cut_block = EVENT_TEXT.split("\n")[:4]  # the transaction object never closes
    text = "\n".join([long_line, "", *cut_block]) + "\n"
    write_gzip(tmp_path / "in" / "odd.gz", text.encode())
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(tmp_path / "in")], str(database))
    assert (summary.loaded, summary.lines) == (1, 6)
    assert [line for _, _, line in lines_of(database)] == [long_line, "", *cut_block]
    assert [row[1:5] for row in events_of(database)] == [(1, 1, 2, 2), (2, 3, 4, 2), (3, 5, 6, 2)]
    assert events_of(database)[0][5] == long_line + "\n"


def test_line_limit_rejects_a_runaway_line(tmp_path: Path) -> None:
    write_gzip(tmp_path / "in" / "runaway.gz", b"y" * (3 * MEGABYTE))
    database = tmp_path / "db.duckdb"
    options = Options(limits=Limits(max_line_bytes=1 * MEGABYTE))
    assert load_paths([str(tmp_path / "in")], str(database), options, warn=lambda message: None).rejected == 1
    ((*_, error, _),) = files_of(database)
    assert "a line longer than 1 MB" in error


def test_the_loader_and_dbt_default_to_the_same_duckdb_settings() -> None:
    """profiles.yml cannot import the loader's constants: the two defaults are kept equal here."""
    from logloader.store import DEFAULT_DISABLED_COMPRESSION, DEFAULT_MEMORY_LIMIT

    profiles = (Path(__file__).resolve().parents[2] / "profiles.yml").read_text()
    for variable, default in (
        ("BALANCE_SYNC_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
        ("BALANCE_SYNC_DISABLED_COMPRESSION", DEFAULT_DISABLED_COMPRESSION),
    ):
        assert re.findall(rf"env_var\('{variable}', '([^']*)'\)", profiles) == [default], variable


def test_the_loader_leaves_out_fsst_unless_told_otherwise(tmp_path: Path, monkeypatch) -> None:
    """FSST is off by default (faster writes of the log text); an empty variable turns it on, as in dbt."""
    from logloader.store import connect

    setting = "select current_setting('disabled_compression_methods')"
    monkeypatch.delenv("BALANCE_SYNC_DISABLED_COMPRESSION", raising=False)
    connection = connect(str(tmp_path / "default.duckdb"), 0.0)
    assert connection.execute(setting).fetchone()[0].lower() == "fsst"
    connection.close()
    monkeypatch.setenv("BALANCE_SYNC_DISABLED_COMPRESSION", "")
    connection = connect(str(tmp_path / "all.duckdb"), 0.0)
    assert connection.execute(setting).fetchone() == ("",)
    connection.close()


# ---- one physical file, one row: identity, names, odd inputs, files gone ------------------------


def quiet(_message: str) -> None:
    """A warn callback that drops the messages."""


def test_a_file_given_twice_or_by_two_paths_or_a_link_is_read_once(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "link.gz").symlink_to(tree / STREAM / "000000.gz")
    database = tmp_path / "db.duckdb"
    summary = load_paths(
        [str(tree), str(tree), str(tree / STREAM), str(tree / STREAM / "000001.gz"), str(tmp_path / "links")],
        str(database),
        warn=quiet,
    )
    assert (summary.loaded, summary.rejected, summary.repeated) == (2, 0, 6), (
        "two files; the link and every second path to them are counted as repeated, not read"
    )
    assert [row[0] for row in files_of(database)] == [f"{TREE}/000000.gz", f"{TREE}/000001.gz"]
    assert table(database, "select sum(line_count) from raw.log_events") == [(8,)]
    result = run_loader(str(tree), str(tree), database=database)
    assert (
        "files loaded 0, skipped (already loaded) 2, rejected 0, given more than once 2 (read once)" in result.stdout
    ), result.stdout


def test_two_members_of_a_zip_with_the_same_name_are_both_kept(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("s/000000.gz", b"2024-02-13T10:00:00.000Z END RequestId: first\n")
            bundle.writestr("s/000000.gz", b"2024-02-13T10:00:00.000Z END RequestId: second\n")
    database = tmp_path / "db.duckdb"
    said: list[str] = []
    summary = load_paths([str(archive)], str(database), warn=said.append)
    assert (summary.loaded, summary.renamed) == (2, 1)
    assert lines_of(database) == [
        ("export.zip/s/000000.gz", 1, "2024-02-13T10:00:00.000Z END RequestId: first"),
        ("export.zip/s/000000.gz (2)", 1, "2024-02-13T10:00:00.000Z END RequestId: second"),
    ]
    assert any("export.zip/s/000000.gz is taken by another file" in line for line in said), said
    assert load_paths([str(archive)], str(database), warn=quiet).skipped_unread == 2, "each member known on reload"


def test_a_second_export_with_the_same_inner_paths_keeps_both(tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    for month in ("jan", "feb"):
        age(write_gzip(tmp_path / month / "s" / "000000.gz", f"2024-02-13T10:00:00.000Z END {month}\n".encode()))
        load_paths([str(tmp_path / month)], str(database))
    assert lines_of(database) == [
        ("feb/s/000000.gz", 1, "2024-02-13T10:00:00.000Z END feb"),
        ("jan/s/000000.gz", 1, "2024-02-13T10:00:00.000Z END jan"),
    ], "the folder given starts the name: nothing replaced"
    # another folder of the same name elsewhere: another file, stored under a free variant of the name
    age(write_gzip(tmp_path / "elsewhere" / "jan" / "s" / "000000.gz", b"2024-02-13T10:00:00.000Z END other\n"))
    said: list[str] = []
    summary = load_paths([str(tmp_path / "elsewhere" / "jan")], str(database), warn=said.append)
    assert (summary.loaded, summary.renamed) == (1, 1)
    assert ("jan/s/000000.gz (2)", 1, "2024-02-13T10:00:00.000Z END other") in lines_of(database)
    assert any("stored as jan/s/000000.gz (2)" in line for line in said), said
    assert {row[0] for row in lines_of(database)} == {"feb/s/000000.gz", "jan/s/000000.gz", "jan/s/000000.gz (2)"}


def test_a_single_file_is_named_by_its_folder_and_its_name(tmp_path: Path) -> None:
    log = write_gzip(tmp_path / "stream-a" / "000000.gz", b"2024-02-13T10:00:00.000Z END RequestId: r-1\n")
    database = tmp_path / "db.duckdb"
    load_paths([str(log)], str(database))
    assert [row[0] for row in files_of(database)] == ["stream-a/000000.gz"]


def test_a_new_version_of_the_same_file_replaces_it_and_says_so(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    age(
        write_gzip(tree / STREAM / "000000.gz", b"2024-02-13T10:00:00.000Z END RequestId: new\n"),
        mtime_ns=OLD_MTIME_NS + 1,
    )
    result = run_loader(str(tree), database=database)
    assert f"note: {TREE}/000000.gz changed since it was loaded; its rows are replaced" in result.stderr
    assert "files loaded 1 (1 replacing an earlier version)" in result.stdout, result.stdout


@pytest.mark.timeout(60)
def test_fifos_sockets_and_devices_are_rejected_without_being_opened(tree: Path, tmp_path: Path) -> None:
    os.mkfifo(tree / "pipe.gz")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(tree / "socket.gz"))
        os.mkfifo(tmp_path / "given-pipe")
        database = tmp_path / "db.duckdb"
        result = run_loader("--strict", str(tree), str(tmp_path / "given-pipe"), "/dev/null", database=database)
    assert result.returncode == 1, "--strict: a rejection fails the run"
    reasons = {row[0]: row[5] for row in files_of(database) if row[4] == "rejected"}
    assert "a FIFO (named pipe), not a log file: not opened" in reasons["balance-sync-logs/pipe.gz"]
    assert "a socket" in reasons["balance-sync-logs/socket.gz"]
    assert "a FIFO" in reasons[f"{tmp_path.name}/given-pipe"]
    assert "a device" in reasons["dev/null"]
    assert "files loaded 2" in result.stdout, "the rest loads"


def test_an_unreadable_folder_is_rejected_and_named_and_strict_fails(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tree / "locked"
    write_gzip(locked / "000000.gz", b"2024-02-13T10:00:00.000Z END RequestId: r-1\n")
    original = os.scandir

    def scandir(path):  # root reads any folder: the test makes one unreadable this way
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(os, "scandir", scandir)
    database = tmp_path / "db.duckdb"
    said: list[str] = []
    summary = load_paths([str(tree)], str(database), warn=said.append)
    assert (summary.loaded, summary.rejected) == (2, 1)
    ((name, error),) = table(database, "select source_file, error from raw.log_files where status = 'rejected'")
    assert name == "balance-sync-logs/locked/" and "cannot list the folder (Permission denied)" in error
    assert any("rejected balance-sync-logs/locked/" in line for line in said), said
    assert cli.main(["--strict", "--progress", "plain", "--database", str(database), str(tree)]) == 1


def test_an_empty_folder_or_zip_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    with zipfile.ZipFile(tmp_path / "empty.zip", "w"):
        pass
    assert (
        cli.main(["--database", str(tmp_path / "db.duckdb"), str(tmp_path / "empty"), str(tmp_path / "empty.zip")]) == 0
    )
    err = capsys.readouterr().err
    assert "empty holds no files" in err and "empty.zip holds no files" in err, err


def test_database_open_errors_are_told_apart(tree: Path, tmp_path: Path) -> None:
    missing = run_loader(str(tree), database=tmp_path / "lock" / "no-such-folder" / "db.duckdb")
    assert missing.returncode == 3
    assert "does not exist; create it" in missing.stderr and "in use" not in missing.stderr, missing.stderr
    not_a_database = tmp_path / "locked.duckdb"
    not_a_database.write_text("not a database")
    other = run_loader(str(tree), database=not_a_database)
    assert other.returncode == 3 and "cannot open" in other.stderr and "in use" not in other.stderr, other.stderr


def test_a_read_only_folder_for_the_database_is_said_plainly(tree: Path) -> None:
    """Run as an unprivileged user (root writes anywhere): setpriv where the tests run as root."""
    folder = Path(tempfile.mkdtemp(prefix="loader_read_only_"))
    try:
        shutil.copytree(tree, folder / "logs")
        (folder / "db").mkdir()
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (folder / "db").chmod(0o555)
        prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: cannot drop privileges")
            prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        result = subprocess.run(
            [*prefix, sys.executable, str(LOADER), "--database", str(folder / "db" / "x.duckdb"), str(folder / "logs")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 3, result.stderr
        assert f"the folder {folder / 'db'} is read-only" in result.stderr and "in use" not in result.stderr, (
            result.stderr
        )
    finally:
        (folder / "db").chmod(0o755)
        shutil.rmtree(folder)


def test_a_nul_byte_rejects_the_file_wherever_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = b"2024-02-13T10:00:00.000Z END RequestId: r-1\n"
    write_gzip(tmp_path / "in" / "early.gz", b"\x00" + line * 2000)
    write_gzip(tmp_path / "in" / "past-the-sample.gz", line * 1000 + b"\x00" + line)  # past the 8 KB sample
    write_gzip(tmp_path / "in" / "late.gz", line * 3000 + b"x\x00\n")
    database = tmp_path / "db.duckdb"
    monkeypatch.setattr(reader, "CHUNK_BYTES", 64 * 1024)  # late.gz's NUL in a later chunk
    summary = load_paths([str(tmp_path / "in")], str(database), warn=quiet)
    assert (summary.loaded, summary.rejected) == (0, 3)
    assert {row[5] for row in files_of(database)} == {
        "binary data after gzip decompression (a NUL byte), not a text log"
    }


def test_files_gone_from_the_input_are_reported_kept_then_retired(tree: Path, tmp_path: Path) -> None:
    database = tmp_path / "db.duckdb"
    other = write_gzip(tmp_path / "other" / "s" / "000000.gz", b"2024-02-13T10:00:00.000Z END other\n")
    load_paths([str(tree), str(other.parent.parent)], str(database))
    gone = tree / STREAM / "000001.gz"
    kept_bytes = gone.read_bytes()
    gone.unlink()
    result = run_loader(str(tree), database=database)
    assert f"warning: 1 files recorded under {tree} are no longer there; their rows are kept" in result.stderr
    assert f"{TREE}/000001.gz" in result.stderr and "gone from the input 1 (kept)" in result.stdout
    assert table(database, "select count(*) from raw.log_events where source_file like '%000001.gz'") == [(1,)]
    result = run_loader("--retire-missing", str(tree), database=database)
    assert "gone from the input 1 (retired 1)" in result.stdout, result.stdout
    ((status, error),) = table(
        database, f"select status, error from raw.log_files where source_file = '{TREE}/000001.gz'"
    )
    assert status == "retired" and "--retire-missing" in error and f"no longer in {tree}" in error
    assert table(database, "select count(*) from raw.log_events where source_file like '%000001.gz'") == [(0,)]
    assert table(database, "select count(*) from raw.log_files where status = 'loaded'") == [(2,)], (
        "the files under a path not given this time are not gone"
    )
    assert "gone from the input" not in run_loader(str(tree), database=database).stdout, (
        "a retired file is reported once"
    )
    gone.write_bytes(kept_bytes)
    assert load_paths([str(tree)], str(database)).loaded == 1, "a retired file that comes back is loaded again"
    assert table(database, f"select status from raw.log_files where source_file = '{TREE}/000001.gz'") == [("loaded",)]
