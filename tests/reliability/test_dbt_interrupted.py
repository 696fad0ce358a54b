"""Faults and bad input through the whole pipeline (issue 7, items 1 and 2).

- `dbt build` killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) at several
  points while it runs on generated logs, then run again: every table of
  schema marts holds exactly what an uninterrupted build gives (full contents,
  column types, and no leftover temporary relations).
- A broken-input corpus written by the test (the generator's --broken files
  plus a transaction block cut across two files, a line of several MB, a CRLF
  file and an invalid UTF-8 byte inside a transaction block, a decompression
  bomb) goes through load + dbt build: the build passes, every good file's
  transactions land with exact values, the bad files are rejected with a
  reason in marts.source_files, and every line is in exactly one event.

The points of interruption are chosen from dbt's own progress lines (a model
or test starting), never from timings, so the tests hold on a busy machine.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reliability_helpers import (
    HANG_SECONDS,
    REPO,
    StreamWriter,
    Transaction,
    connect_read_only,
    copy_database,
    dbt_build,
    dbt_command,
    dbt_env,
    decompressed,
    line_total,
    remove_work_folder,
    require_dbt,
    run_loader,
    schema_contents,
    stream_folder,
    write_log,
)

pytestmark = pytest.mark.slow


def _take_sigint_by_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupted_build(database: Path, work: Path, marker: str, sig: signal.Signals) -> tuple[int, str]:
    """Run `dbt build`, send ``sig`` as soon as a progress line matching ``marker`` appears; return (exit code, output)."""
    process = subprocess.Popen(
        dbt_command(work, "build"),
        cwd=REPO,
        env=dbt_env(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        # A shell without job control starts background commands with SIGINT ignored, and
        # children inherit that: dbt would then never see the Ctrl-C this test sends.
        preexec_fn=_take_sigint_by_default,
    )
    seen: list[str] = []
    assert process.stdout is not None
    try:
        for line in process.stdout:
            seen.append(line)
            if re.search(marker, line):
                if sig == signal.SIGKILL:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.send_signal(sig)
                break
        rest, _ = process.communicate(timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"dbt build did not stop within {HANG_SECONDS} s of {sig.name}:\n{''.join(seen)[-4000:]}")
    output = "".join(seen) + (rest or "")
    assert re.search(marker, output), f"dbt build never printed a line matching {marker!r}:\n{output[-4000:]}"
    return process.returncode, output


def describe_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    if sorted(expected) != sorted(actual):
        return f"tables differ: expected {sorted(expected)}, got {sorted(actual)}"
    for table in expected:
        (want_columns, want_rows), (got_columns, got_rows) = expected[table], actual[table]
        if want_columns != got_columns:
            return f"marts.{table}: columns differ: {want_columns} != {got_columns}"
        if want_rows != got_rows:
            got_text, want_text = (
                {repr(row) for row in got_rows},
                {repr(row) for row in want_rows},
            )  # rows may hold lists
            missing = [row for row in want_rows if repr(row) not in got_text][:3]
            extra = [row for row in got_rows if repr(row) not in want_text][:3]
            return (
                f"marts.{table}: {len(want_rows)} rows expected, {len(got_rows)} got; missing {missing}; extra {extra}"
            )
    return "no difference"


# Every line of raw.log_events (each event's text split at "\n", numbered from its first line).
RAW_LINES = """(
    select source_file, line_number + generate_subscripts(lines, 1) - 1 as line_number, unnest(lines) as line
    from (select source_file, line_number, string_split(event_text, chr(10)) as lines from raw.log_events)
)"""

# The points where a build is stopped: early (intermediate models), at the first mart,
# after some marts exist, and while data tests run.
INTERRUPTIONS = [
    (r"START sql \w+ model intermediate\.", signal.SIGKILL),
    (r"START sql \w+ model marts\.", signal.SIGINT),
    (r"OK created sql \w+ model marts\.", signal.SIGKILL),
    (r"START test ", signal.SIGINT),
]


def build_outcome(database: Path, work: Path) -> tuple[int, list[str]]:
    """`dbt build` to the end: its exit code and the nodes that did not pass.

    Whether every data test passes is the business of the tests of the models
    (and of the corpus and property tests here); what matters here is that a
    re-run after an interruption ends exactly like an uninterrupted build.
    """
    result = dbt_build(database, work, check=False)
    problems = sorted(
        re.sub(r"^.*?\d+ of \d+ ", "", line).split(" ..")[0]
        for line in result.stdout.splitlines()
        if re.search(r"\d+ of \d+ (FAIL|ERROR|SKIP)", line)
    )
    return result.returncode, problems


def relations(database: Path) -> dict[str, list[str]]:
    """The tables and views of every schema: a leftover temporary or backup relation shows here."""
    with connect_read_only(database) as db:
        rows = db.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database() order by all"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for schema, table in rows:
        found.setdefault(schema, []).append(table)
    return found


def test_interrupted_dbt_build_then_rerun_gives_the_same_marts(
    generated: tuple[Path, dict[str, Any]], work: Path
) -> None:
    logs, _ = generated
    loaded = work / "loaded.duckdb"
    run_loader(loaded, str(logs))

    reference = work / "reference.duckdb"
    copy_database(loaded, reference)
    reference_outcome = build_outcome(reference, work / "reference")
    expected = schema_contents(reference, "marts")
    assert {
        "source_files",
        "log_events",
        "invocations",
        "transactions",
        "overdrafts",
        "sync_mismatches",
        "users",
    } <= set(expected), f"marts missing from an uninterrupted build: {sorted(expected)}"
    assert all(rows for _, rows in expected.values()), "an uninterrupted build left an empty mart"

    # One database stopped again and again, then built to the end: the state a user is in after Ctrl-C.
    interrupted = work / "interrupted.duckdb"
    copy_database(loaded, interrupted)
    for marker, sig in INTERRUPTIONS:
        code, output = interrupted_build(interrupted, work / "interrupted", marker, sig)
        assert code != 0, (
            f"dbt build was meant to be stopped by {sig.name} at {marker!r} but finished:\n{output[-3000:]}"
        )
    assert build_outcome(interrupted, work / "interrupted") == reference_outcome
    actual = schema_contents(interrupted, "marts")
    assert actual == expected, describe_difference(expected, actual)
    assert relations(interrupted) == relations(reference), "relations differ (a leftover of the interrupted runs?)"


def test_build_killed_while_replacing_older_marts_then_rerun(
    generated: tuple[Path, dict[str, Any]], work: Path
) -> None:
    """Marts of an earlier load exist; new files arrive; the rebuild is killed mid-way and re-run."""
    logs, _ = generated
    streams = sorted(path for path in logs.rglob("*.gz"))
    first_half = work / "first" / "balance-sync-logs"
    for path in streams[: len(streams) // 2]:
        target = first_half / path.relative_to(logs)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    database = work / "ledger.duckdb"
    run_loader(database, str(first_half))
    build_outcome(database, work / "ledger")
    before = schema_contents(database, "marts")
    run_loader(database, str(logs))  # the rest arrives (files already loaded are skipped)

    reference = work / "reference.duckdb"
    copy_database(database, reference)
    reference_outcome = build_outcome(reference, work / "reference")
    expected = schema_contents(reference, "marts")
    assert expected["source_files"] != before["source_files"], "the second load should have added files"

    code, output = interrupted_build(database, work / "ledger", r"OK created sql \w+ model marts\.", signal.SIGKILL)
    assert code != 0, f"dbt build was meant to be killed but finished:\n{output[-3000:]}"
    assert build_outcome(database, work / "ledger") == reference_outcome
    actual = schema_contents(database, "marts")
    assert actual == expected, describe_difference(expected, actual)
    assert relations(database) == relations(reference), "relations differ (a leftover of the killed run?)"


# ---- the broken-input corpus ----------------------------------------------------------------------


def own_transactions() -> dict[str, Transaction]:
    """Transactions written into the test's own awkward files, by id (values as Node prints them)."""
    metadata = '{"walletId":"wallet#u-crlf","deliveryId":"d-crlf-1","note":"caf\u00e9"}'
    return {
        "01CRLF000000000000000000A1": Transaction(
            "01CRLF000000000000000000A1", "u-crlf", "BHD", "9", "0", "34", "25", metadata=metadata
        ),
        "01CRLF000000000000000000A2": Transaction(
            "01CRLF000000000000000000A2",
            "u-crlf",
            "BHD",
            "60.181000000000004",
            "7.849695652173913",
            "25",
            "-27.331304347826091",
            payment_balance="-27.331304347826091",
            metadata=None,
        ),
        "01BIGLINE0000000000000000B1": Transaction(
            "01BIGLINE0000000000000000B1",
            "u-big",
            "SAR",
            "90",
            "11.739130434782608",
            "1800",
            "1878.260869565217392",
            transaction_type="CREDIT",
            source="PAYMENT",
            action="TOP_UP",
            payment_balance="1878.260869565217392",
            metadata='{"walletId":"wallet#u-big"}',
        ),
        "01UTF8000000000000000000C1": Transaction(
            "01UTF8000000000000000000C1",
            "u-utf8",
            "KWD",
            "1.25",
            "0",
            "3.5",
            "2.25",
            metadata='{"walletId":"wallet#u-utf8","deliveryId":"d-utf8","giftMessage":"INVALID-UTF8-HERE"}',
        ),
        "01CUT0000000000000000000D1": Transaction(
            "01CUT0000000000000000000D1", "u-cut", "AED", "12.5", "0.6", "100", "88.1", metadata=None
        ),
        "01CUT0000000000000000000D2": Transaction(
            "01CUT0000000000000000000D2", "u-cut", "AED", "30", "1.5", "88.1", "59.6", metadata=None
        ),
    }


def write_own_corpus(root: Path) -> dict[str, dict[str, Any]]:
    """Write the test's own awkward files under ``root``; return, per source_file, what must happen to it."""
    transactions = own_transactions()
    files: dict[str, dict[str, Any]] = {}

    def add(name: str, data: bytes, *, compress: bool = True, **expectation: Any) -> None:
        path = write_log(stream_folder(root, name), data, compress=compress)
        files[path.relative_to(root.parent).as_posix()] = {"name": name, "path": path, **expectation}

    # CRLF line endings, with transaction blocks (the generator's CRLF file has none).
    stream = StreamWriter()
    stream.invocation(
        [
            ("m-crlf-1", transactions["01CRLF000000000000000000A1"]),
            ("m-crlf-2", transactions["01CRLF000000000000000000A2"]),
        ]
    )
    add(
        "crlf",
        stream.text().replace("\n", "\r\n").encode(),
        status="loaded",
        transactions=["01CRLF000000000000000000A1", "01CRLF000000000000000000A2"],
    )

    # A line of 3 MB (a huge message) before a transaction in the same invocation.
    stream = StreamWriter()
    stream.invocation(
        [
            ("m-big-1", "record.body " + "x" * (3 * 1024 * 1024)),
            ("m-big-2", transactions["01BIGLINE0000000000000000B1"]),
        ]
    )
    add("multi_mb_line", stream.text().encode(), status="loaded", transactions=["01BIGLINE0000000000000000B1"])

    # Invalid UTF-8 bytes inside a transaction block's metadata string.
    stream = StreamWriter()
    stream.invocation([("m-utf8-1", transactions["01UTF8000000000000000000C1"])])
    raw = stream.text().encode().replace(b"INVALID-UTF8-HERE", b"caf\xe9 \xff end")
    add("invalid_utf8_in_block", raw, status="loaded", transactions=["01UTF8000000000000000000C1"])

    # A transaction block cut in half: the first file ends inside it (no trailing newline),
    # the export's next file starts with the rest of it. One whole transaction precedes the cut.
    stream = StreamWriter()
    stream.invocation(
        [
            ("m-cut-1", transactions["01CUT0000000000000000000D1"]),
            ("m-cut-2", transactions["01CUT0000000000000000000D2"]),
        ]
    )
    text = stream.text()
    block_start = text.index("Start syncing the balance", text.index("m-cut-2"))
    cut_at = text.index("    amount: 30,", block_start)
    add(
        "cut_block_head",
        text[:cut_at].encode(),
        status="loaded",
        transactions=["01CUT0000000000000000000D1"],
        cut_transaction="01CUT0000000000000000000D2",
    )
    add("cut_block_tail", text[cut_at:].encode(), status="loaded", transactions=[])

    # A decompression bomb: 40 MB of one byte, refused past --max-file-mb 20.
    add("bomb", b"\n" * (40 * 1024 * 1024), status="rejected", reason=r"(?i)mb|limit|large|size")
    return files


@dataclass
class CorpusBuild:
    corpus: Path
    database: Path
    key: dict[str, Any]
    own: dict[str, dict[str, Any]]
    build: subprocess.CompletedProcess[str]

    def on_disk(self) -> dict[str, Path]:
        return {path.relative_to(self.corpus).as_posix(): path for path in self.corpus.rglob("*.gz")}


@pytest.fixture(scope="module")
def corpus_build(generated: tuple[Path, dict[str, Any]]) -> Iterator[CorpusBuild]:
    """The generated logs (with their --broken files) plus the test's own awkward files, loaded and built once."""
    require_dbt()
    logs, key = generated
    work = Path(tempfile.mkdtemp(prefix="reliability_corpus_"))
    try:
        corpus = work / "corpus"
        shutil.copytree(logs, corpus / "balance-sync-logs")
        own = write_own_corpus(corpus / "balance-sync-logs")
        database = work / "corpus.duckdb"
        run_loader(database, "--max-file-mb", "20", str(corpus / "balance-sync-logs"))
        build = dbt_build(database, work, check=False)
        yield CorpusBuild(corpus, database, key, own, build)
    finally:
        remove_work_folder(work)


def test_dbt_build_holds_on_the_broken_corpus(corpus_build: CorpusBuild) -> None:
    """Broken input is reported, never a reason for the build to stop (DOMAIN.md: "it must hold on those")."""
    build = corpus_build.build
    failures = "\n".join(line for line in build.stdout.splitlines() if re.search(r"\b(FAIL|ERROR)\b", line))
    assert build.returncode == 0, f"dbt build failed on the broken corpus:\n{failures}\n{build.stdout[-1500:]}"


def test_bad_files_are_rejected_with_reasons_and_good_files_load_whole(corpus_build: CorpusBuild) -> None:
    expected_status: dict[str, dict[str, Any]] = {
        entry["source_file"]: entry for entry in corpus_build.key["broken_files"]
    }
    expected_status.update(corpus_build.own)
    on_disk = corpus_build.on_disk()
    with connect_read_only(corpus_build.database) as db:
        files = {
            row[0]: row[1:]
            for row in db.execute(
                "select source_file, status, error, line_count, transaction_count from marts.source_files"
            ).fetchall()
        }
    assert sorted(files) == sorted(on_disk), "marts.source_files must hold one row per file seen"
    assert sum(1 for status, *_ in files.values() if status == "rejected") == 4  # 3 of the generator's + the bomb
    for source_file, (status, error, line_count, transaction_count) in files.items():
        want = expected_status.get(source_file, {"status": "loaded"})
        want_status = want.get("status", want.get("expected_status"))
        assert status == want_status, f"{source_file}: {status} ({error}), expected {want_status}"
        if status == "rejected":
            assert error and error.strip(), f"{source_file}: rejected without a reason"
            if want.get("reason", "").startswith("(?i)"):
                assert re.search(want["reason"], error), f"{source_file}: reason {error!r}"
            continue
        assert error is None, f"{source_file}: loaded but error {error!r}"
        text = decompressed(on_disk[source_file])
        assert line_count == line_total(text), f"{source_file}: line_count {line_count}"
        blocks = len(re.findall(rb"\tINFO\tStart syncing the balance ", text))
        assert transaction_count == blocks, f"{source_file}: {transaction_count} transactions, {blocks} blocks"


def test_every_good_files_transactions_land_with_exact_values(corpus_build: CorpusBuild) -> None:
    key, own = corpus_build.key, corpus_build.own
    with connect_read_only(corpus_build.database) as db:
        # the generator's transactions, by its answer key
        generated_ids = db.execute(
            "select count(*), count(distinct transaction_id) from marts.transactions "
            "where source_file not in (select unnest(?::varchar[]))",
            [list(own)],
        ).fetchone()
        assert generated_ids == (key["transactions"]["total"], key["transactions"]["total"])
        by_currency = dict(
            db.execute(
                "select currency, count(*) from marts.transactions "
                "where source_file not in (select unnest(?::varchar[])) group by currency",
                [list(own)],
            ).fetchall()
        )
        assert by_currency == key["transactions"]["by_currency"]

        # ours, field by field (CRLF, a 3 MB line before it, invalid UTF-8 inside it, a cut neighbour)
        transactions = own_transactions()
        for source_file, want in own.items():
            rows = db.execute(
                "select transaction_id, user_id, currency, transaction_type, amount, vat, old_balance, new_balance, "
                "payment_balance, wallet_id, delivery_id from marts.transactions where source_file = ?",
                [source_file],
            ).fetchall()
            landed = {row[0]: row for row in rows}
            for transaction_id in want.get("transactions", []):
                assert transaction_id in landed, f"{want['name']}: transaction {transaction_id} lost"
                row, sent = landed[transaction_id], transactions[transaction_id]
                assert row[1:4] == (sent.user_id, sent.currency, sent.transaction_type), (want["name"], row)
                for got, text in zip(
                    row[4:9], (sent.amount, sent.vat, sent.old_balance, sent.new_balance, sent.payment_balance)
                ):
                    assert got is not None, (want["name"], transaction_id, text)
                    scale = -got.as_tuple().exponent
                    assert abs(got - Decimal(text)) <= Decimal(1).scaleb(-scale) / 2, (
                        want["name"],
                        transaction_id,
                        got,
                        text,
                    )
            if "cut_transaction" in want:
                # the cut block is kept as a row (a finding), and nothing after the cut is invented
                cut = landed.get(want["cut_transaction"])
                assert cut is not None, f"{want['name']}: the cut transaction block was dropped"
                assert cut[1:3] == ("u-cut", "AED"), f"{want['name']}: fields before the cut must be kept: {cut}"
                assert cut[4] is None and cut[7] is None, f"{want['name']}: values invented for a cut block: {cut}"
            assert len(landed) == len(want.get("transactions", [])) + ("cut_transaction" in want), (want["name"], rows)

        wallets = dict(
            (row[0], row[1:])
            for row in db.execute(
                "select transaction_id, wallet_id, delivery_id from marts.transactions "
                "where transaction_id in ('01CRLF000000000000000000A1', '01UTF8000000000000000000C1')"
            ).fetchall()
        )
        assert wallets == {
            "01CRLF000000000000000000A1": ("wallet#u-crlf", "d-crlf-1"),
            "01UTF8000000000000000000C1": ("wallet#u-utf8", "d-utf8"),
        }


def test_no_line_is_lost_and_each_is_in_exactly_one_event(corpus_build: CorpusBuild) -> None:
    on_disk = corpus_build.on_disk()
    with connect_read_only(corpus_build.database) as db:
        loaded = [
            row[0]
            for row in db.execute("select source_file from marts.source_files where status = 'loaded'").fetchall()
        ]
        lines_on_disk = sum(line_total(decompressed(on_disk[name])) for name in loaded)
        raw_lines = db.execute("select sum(line_count) from raw.log_events").fetchone()[0]
        assert db.execute(f"select count(*) from {RAW_LINES}").fetchone()[0] == raw_lines, (
            "each raw event's text holds line_count lines"
        )
        loaded_lines = db.execute("select sum(line_count) from raw.log_files where status = 'loaded'").fetchone()[0]
        mart_lines = db.execute("select sum(line_count) from marts.source_files where status = 'loaded'").fetchone()[0]
        event_lines = db.execute("select sum(line_count) from marts.log_events").fetchone()[0]
        assert (raw_lines, loaded_lines, mart_lines, event_lines) == (lines_on_disk,) * 4
        coverage = db.execute(
            f"""
            select count(*) filter (where events = 0), count(*) filter (where events > 1), count(*)
            from (
                select lines.source_file, lines.line_number, count(events.event_id) as events
                from {RAW_LINES} as lines
                left join marts.log_events as events
                    on lines.source_file = events.source_file
                    and lines.line_number between events.line_number and events.last_line_number
                group by lines.source_file, lines.line_number
            )
            """
        ).fetchone()
        assert coverage == (0, 0, raw_lines), f"lines in no event / in several events / all: {coverage}"
        # the 3 MB line is stored whole, and the cut block's tail (a file starting mid-event) is an event too
        assert db.execute(f"select max(length(line)) from {RAW_LINES}").fetchone()[0] > 3 * 1024 * 1024
        tail = next(name for name, want in corpus_build.own.items() if want["name"] == "cut_block_tail")
        first = db.execute(
            "select line_number from marts.log_events where source_file = ? order by line_number limit 1", [tail]
        ).fetchone()
        assert first == (1,), "the lines before the first event start of a file must form an event"


def test_dbt_build_while_another_process_holds_the_database_fails_clearly_and_corrupts_nothing(
    generated: tuple[Path, dict[str, Any]], work: Path
) -> None:
    """One writer at a time: `dbt build` against a DuckDB file another process holds stops with a lock error
    that names the file; once the holder is gone, a build runs as if nothing had happened."""
    logs, _ = generated
    database = work / "shared.duckdb"
    run_loader(database, str(logs))
    with connect_read_only(database) as db:
        raw_before = db.execute("select count(*), sum(hash(event_text)) from raw.log_events").fetchone()

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(600)",
            str(database),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        blocked = dbt_build(database, work, check=False)
    finally:
        holder.kill()
        holder.wait()
    assert blocked.returncode != 0, "dbt build must not run against a database another process writes"
    assert re.search(r"(?i)lock", blocked.stdout + blocked.stderr), blocked.stdout[-3000:]
    assert database.name in blocked.stdout + blocked.stderr, "the lock error should name the database file"

    build = build_outcome(database, work)  # data tests may fail for their own reasons; no model may error
    with connect_read_only(database) as db:
        assert db.execute("select count(*), sum(hash(event_text)) from raw.log_events").fetchone() == raw_before
        assert db.execute("select count(*) from marts.transactions").fetchone()[0] > 0
    errors = [problem for problem in build[1] if problem.startswith("ERROR")]
    assert not errors, f"the build after the holder left must create every model: {errors}"
