"""The loader on real-looking snippets: each input form, idempotency, bad input, atomicity."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from logloader import inputs
from logloader.cli import Options, load_paths
from logloader.errors import DatabaseBusy
from logloader.reader import MEGABYTE, Limits

REPO = Path(__file__).resolve().parents[2]
LOADER = REPO / "scripts" / "load_logs.py"
SAMPLE = REPO.parent / "shared" / "data"
STREAM = "a3fb6cdb-607b-469f-8f8a-ec4792e827cb/2024-02-13-[$LATEST]565b62b8d0c14c4e9a3bd6b0f0d4e1aa"

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


def lines_of(database: Path) -> list[tuple]:
    return table(database, "select source_file, line_number, line from raw.log_lines order by all")


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
    first = [row for row in stored if row[0] == f"{STREAM}/000000.gz"]
    assert [line for _, _, line in first] == EVENT_TEXT.split("\n")[:-1]
    assert [number for _, number, _ in first] == list(range(1, 7))
    files = files_of(database)
    assert [row[0] for row in files] == [f"{STREAM}/000000.gz", f"{STREAM}/000001.gz"]
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
        f"balance-sync-logs/{STREAM}/000000.gz",
        f"balance-sync-logs/{STREAM}/000001.gz",
    ]
    folder_database = tmp_path / "folder.duckdb"
    load_paths([str(tree.parent)], str(folder_database))
    assert lines_of(folder_database) == lines_of(database), "a zip and its folder load the same rows"


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
    assert rows == [(f"{STREAM}/000000.gz", 1, "only line")]
    assert len(files_of(database)) == 2


class OpenCounter:
    """Counts every opening of an input file (folder file or zip member) by the loader."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened: list[str] = []
        original_opener, original_member_opener = inputs._opener, inputs._zip_member_opener

        def opener(path: str | Path):
            open_file = original_opener(path)
            return lambda: (self.opened.append(os.path.basename(path)), open_file())[1]

        def member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
            open_member = original_member_opener(archive, info)
            return lambda: (self.opened.append(info.filename), open_member())[1]

        monkeypatch.setattr(inputs, "_opener", opener)
        monkeypatch.setattr(inputs, "_zip_member_opener", member_opener)


def fingerprints_of(database: Path) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in table(
        database, "select source_file, size_bytes, mtime_ns, zip_crc32, zip_date_time from raw.log_files")}


def test_unchanged_file_is_skipped_without_being_read(tree: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    assert set(fingerprints_of(database).values()) == {
        ((tree / STREAM / name).stat().st_size, OLD_MTIME_NS, None, None) for name in ("000000.gz", "000001.gz")
    }
    before = (lines_of(database), table(database, "select * from raw.log_files order by all"))
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped, summary.skipped_unread, summary.bytes_read) == (0, 2, 2, 0)
    assert counter.opened == [], "a file with the size and date it was loaded with is not opened"
    assert (lines_of(database), table(database, "select * from raw.log_files order by all")) == before


def test_touched_file_with_the_same_bytes_is_hashed_once_then_known(tree: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    before = lines_of(database)
    touched = tree / STREAM / "000000.gz"
    age(touched, mtime_ns=OLD_MTIME_NS + 60_000_000_123)
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped, summary.skipped_unread) == (0, 2, 1)
    assert counter.opened == ["000000.gz"], "only the touched file is read, to compare its sha256"
    assert lines_of(database) == before, "same bytes: its rows stay as they were"
    assert fingerprints_of(database)[f"{STREAM}/000000.gz"][1] == OLD_MTIME_NS + 60_000_000_123, \
        "its new date is recorded"
    counter.opened.clear()
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
    assert load_paths([str(folder), str(tree)], str(database)).skipped_unread == 3, \
        "without --rehash size and date are trusted (the documented limit)"
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(folder), str(tree)], str(database), Options(rehash=True))
    assert (summary.loaded, summary.skipped, summary.skipped_unread) == (1, 2, 0)
    assert sorted(counter.opened) == ["000000.gz", "000001.gz", "plain.log", "plain.log"], \
        "--rehash reads every file (the changed one twice: to hash it, then to load it)"
    assert ("plain.log", 1, "2024-02-13T10:00:00.000Z END RequestId: r-2") in lines_of(database)
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
    ((crc, date_time),) = {row[2:] for name, row in fingerprints_of(database).items() if name == "logs/a.log"}
    assert (crc, date_time) == (zipfile.ZipFile(archive).getinfo("logs/a.log").CRC, "2024-02-13 10:00:00")
    write_archive(b"2024-02-13T10:00:00.000Z END RequestId: r-3\n")  # same size and date, other bytes
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(archive)], str(database))
    assert (summary.loaded, summary.skipped_unread) == (1, 1)
    assert counter.opened == ["logs/b.log", "logs/b.log"], \
        "the unchanged member is not read; the changed one (CRC-32) is hashed, then loaded"
    assert [line for _, _, line in lines_of(database)][-1] == "2024-02-13T10:00:00.000Z END RequestId: r-3"


def test_a_file_modified_just_before_the_run_is_hashed_again_next_time(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    write_gzip(folder / "fresh.gz", b"2024-02-13T10:00:00.000Z END RequestId: r-1\n")  # modified now
    database = tmp_path / "db.duckdb"
    load_paths([str(folder)], str(database))
    assert fingerprints_of(database)["fresh.gz"][1] is None, "a date this recent is not recorded"
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(folder)], str(database))
    assert (summary.skipped, summary.skipped_unread, counter.opened) == (1, 0, ["fresh.gz"])


def test_a_database_of_an_older_loader_gets_the_new_columns(tree: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    database = tmp_path / "db.duckdb"
    load_paths([str(tree)], str(database))
    with duckdb.connect(str(database)) as connection:
        for column in ("mtime_ns", "zip_crc32", "zip_date_time"):
            connection.execute(f"alter table raw.log_files drop column {column}")
    counter = OpenCounter(monkeypatch)
    summary = load_paths([str(tree)], str(database))
    assert (summary.loaded, summary.skipped, summary.skipped_unread) == (0, 2, 0)
    assert sorted(counter.opened) == ["000000.gz", "000001.gz"], "no date recorded yet: hashed once"
    assert {row[1] for row in fingerprints_of(database).values()} == {OLD_MTIME_NS}
    assert load_paths([str(tree)], str(database)).skipped_unread == 2


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
        assert f"rejected bad/{name}: " in result.stderr, "one warning line names each rejected file"
        assert rejected[name][3] == 0 and len(rejected[name][1]) == 64
    assert table(database, "select count(*) from raw.log_lines where source_file like 'bad/%'") == [(0,)]
    assert table(database, "select count(*) from raw.log_lines") == [(8,)], "the good files load whole"
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
    assert reasons["logs/deep/nested/good.gz"] is None
    assert "binary data" in reasons["logs/deep/junk.bin"]
    assert "zip archive inside" in reasons["logs/inner.zip"]
    assert "not a readable zip archive" in reasons[str(broken)]


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
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(database)!r}); print('ok', flush=True); time.sleep(30)"],
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
    for option in ("--database", "--strict", "--retry-rejected", "--rehash", "--max-file-mb", "--max-line-mb", "--wait",
                   "--progress"):
        assert option in result.stdout


def test_killed_loader_leaves_whole_files_and_a_rerun_matches(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    for index in range(40):
        body = "".join(f"2024-02-13T10:00:{index % 60:02d}.000Z line {index}-{n}\n\n" for n in range(20_000))
        write_gzip(root / f"stream-{index:02d}" / "000000.gz", body.encode())
    reference = tmp_path / "reference.duckdb"
    load_paths([str(root)], str(reference))
    killed = tmp_path / "killed.duckdb"
    files_after_kill = []
    for delay in (0.5, 0.9, 0.9, 1.3, 1.3, 1.3):
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
        assert table(
            killed,
            "select f.source_file from raw.log_files as f left join raw.log_lines as l using (source_file) "
            "group by f.source_file, f.line_count having f.line_count <> count(l.line_number) "
            "union all select source_file from raw.log_lines anti join raw.log_files using (source_file)",
        ) == []
        files_after_kill.append(table(killed, "select count(*) from raw.log_files")[0][0])
    assert any(0 < count < 40 for count in files_after_kill), f"no kill landed mid-run: {files_after_kill}"
    assert run_loader(str(root), database=killed).returncode == 0
    assert lines_of(killed) == lines_of(reference)
    assert files_of(killed) == files_of(reference)


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
    assert table(database, "select count(*) from raw.log_lines") == [(357_295,)]
    assert table(database, "select count(*) from raw.log_files where source_file like '%[$LATEST]%'") == [(1367,)]
    before = lines_of(database)
    again = run_loader(str(SAMPLE), database=database)
    assert "files loaded 0, skipped (already loaded) 1,367, rejected 0" in again.stdout
    assert lines_of(database) == before


def test_a_line_of_several_megabytes_and_a_cut_transaction_block_load_whole(tmp_path: Path) -> None:
    long_line = "2024-02-13T10:00:00.000Z 2024-02-13T10:00:00.000Z\tr-1\tINFO\trecord.body " + "x" * (6 * MEGABYTE)
    cut_block = EVENT_TEXT.split("\n")[:4]  # the transaction object never closes
    text = "\n".join([long_line, "", *cut_block]) + "\n"
    write_gzip(tmp_path / "in" / "odd.gz", text.encode())
    database = tmp_path / "db.duckdb"
    summary = load_paths([str(tmp_path / "in")], str(database))
    assert (summary.loaded, summary.lines) == (1, 6)
    assert [line for _, _, line in lines_of(database)] == [long_line, "", *cut_block]


def test_line_limit_rejects_a_runaway_line(tmp_path: Path) -> None:
    write_gzip(tmp_path / "in" / "runaway.gz", b"y" * (3 * MEGABYTE))
    database = tmp_path / "db.duckdb"
    options = Options(limits=Limits(max_line_bytes=1 * MEGABYTE))
    assert load_paths([str(tmp_path / "in")], str(database), options, warn=lambda message: None).rejected == 1
    ((*_, error, _),) = files_of(database)
    assert "a line longer than 1 MB" in error
