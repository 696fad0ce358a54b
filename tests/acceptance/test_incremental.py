"""Acceptance: logs that arrive in two steps give the same marts as one full build.

Generated logs (scripts/generate_logs.py) are built twice, each in its own DuckDB file:

- **reference**: every file loaded at once, then ``dbt build --full-refresh``;
- **two steps**: most files loaded and ``dbt build``; then the rest loaded into the same
  file and ``dbt build`` again (no ``--full-refresh``: what a user runs when new files
  arrive). The files held back for the second step are:

  - a **late file**: one whose transaction blocks sit in the middle of a user's balance
    chain (the user has transactions in other files both before and after), so the
    continuity of the next transaction, in a file built in the first step, changes;
  - a **changed file**: the first step loads only the first half of its events (an export
    read while its stream was still being written); the second step loads the whole file
    at the same path, which replaces the old rows;
  - a seeded random ~4 % of the other files (new and late exports among existing users).

Then two more incremental steps, each compared with a ``--full-refresh`` build of a copy of
the same database:

- **a refusal in a new file**: a file holding only a negative-balance refusal of a
  transaction that was logged (and built) in another, older file: its outcome, overdraft
  flag, the overdrafts, the log events of the old file and the accounting marts change;
- **that file rejected**: the same path re-exported as broken gzip, so the loader rejects it
  and its rows must go from every incremental model (and the old transaction is no longer
  refused).

Every table of schema ``marts`` must then hold exactly the same rows both ways (``except
all`` in both directions, all columns but ``loaded_at``, the time the loader saw a file).
Whatever the models do to avoid recomputing (the incremental classification of events,
docs/design.md), this is the check that they still give the marts of a full rebuild. About a minute on a busy 2-core machine.

    .venv/bin/python -m pytest tests/acceptance/test_incremental.py
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
GENERATOR_OPTIONS = ["--seed", "31", "--files", "160", "--users", "50"]
RANDOM_SHARE = 0.04
# columns that record when the loader saw a file, not what is in it
LOAD_TIME_COLUMNS = {"loaded_at"}

pytestmark = [pytest.mark.slow]


@dataclass
class TwoWays:
    reference: Path  # all files, one --full-refresh build
    two_steps: Path  # most files, build, the rest, build
    late_file: str
    changed_file: str
    held_back: list[str]
    build_outputs: dict[str, str]
    # later steps: (incremental database, full-refresh copy of it) after each
    refusal_added: tuple[Path, Path]
    refusal_rejected: tuple[Path, Path]
    refusal_file: str
    refused_transaction_id: str


def _run(command: list[str], database: Path, label: str, outputs: dict[str, str]) -> None:
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    outputs[label] = done.stdout + done.stderr
    assert done.returncode == 0, f"{label} failed:\n{outputs[label][-4000:]}"


def _load(logs: Path, database: Path, label: str, outputs: dict[str, str]) -> None:
    _run(
        [sys.executable, str(REPO / "scripts" / "load_logs.py"), "--progress", "plain", str(logs)],
        database,
        label,
        outputs,
    )


def _build(work: Path, database: Path, label: str, outputs: dict[str, str], *extra: str) -> None:
    _run(
        [
            str(DBT),
            "build",
            *extra,
            "--target-path",
            str(work / f"target-{label}"),
            "--log-path",
            str(work / f"dbt-logs-{label}"),
        ],
        database,
        label,
        outputs,
    )


def _first_half_of_events(text: str) -> str:
    """The file cut after the event that holds its middle line (an export still being written)."""
    lines = text.split("\n")
    middle = len(lines) // 2
    for number in range(middle, len(lines)):
        # an event starts with an ingestion timestamp; cut just before the next one
        if number > middle and len(lines[number]) > 24 and lines[number][4] == "-" and lines[number][23] == "Z":
            return "\n".join(lines[:number]) + "\n"
    return "\n".join(lines[:middle]) + "\n"


def _late_file(reference: Path) -> str:
    """A file with a transaction whose user has transactions in other files before and after it."""
    with duckdb.connect(str(reference), read_only=True) as connection:
        rows = connection.execute("""
            with chained as (
                select
                    source_file,
                    bool_or(source_file <> first_file and source_file <> last_file) as is_inside_a_chain,
                from (
                    select
                        source_file,
                        first(source_file order by logged_at, transaction_id)
                            over (partition by user_id) as first_file,
                        last(source_file order by logged_at, transaction_id)
                            over (partition by user_id) as last_file,
                    from marts.transactions
                    where user_id is not null
                )
                group by source_file
            )
            select source_file from chained where is_inside_a_chain order by source_file
        """).fetchall()
    assert rows, "the generated logs have no user whose chain spans three files: raise --files"
    return rows[len(rows) // 2][0]


REFUSAL_FILE = "late-refusals/2099-01-01-[$LATEST]00000000000000000000000000000000/000000.gz"


def _transaction_to_refuse(database: Path, avoid: set[str]) -> tuple[str, str, str, object]:
    """A published (not refused) transaction with a user, in a file of the first step."""
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("""
            select transaction_id, user_id, source_file, logged_at
            from marts.transactions
            where user_id is not null and transaction_id is not null and outcome = 'published'
                and not is_overdraft
            order by transaction_id
        """).fetchall()
    rows = [row for row in rows if row[2] not in avoid]
    assert rows, "no published transaction to refuse in the generated logs"
    return rows[len(rows) // 3]


def _refusal_log(transaction_id: str, user_id: str, logged_at: object) -> bytes:
    """One invocation that logs only a negative-balance refusal of ``transaction_id``."""
    stamp = (logged_at + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    request = "0e0e0e0e-1111-4222-8333-444455556666"
    text = (
        f"{stamp} START RequestId: {request} Version: $LATEST\n\n"
        f"{stamp} {stamp}\t{request}\tINFO\t{{\n"
        "  message: 'Subscriber will have a negative balance due to this action, the process will terminate.',\n"
        "  data: {\n"
        f"    userId: '{user_id}',\n"
        "    currentBalance: 1.25,\n"
        f"    transactionId: '{transaction_id}'\n"
        "  }\n"
        "}\n\n"
        f"{stamp} END RequestId: {request}\n\n"
        f"{stamp} REPORT RequestId: {request}\tDuration: 5.00 ms\tBilled Duration: 5 ms\t"
        "Memory Size: 1024 MB\tMax Memory Used: 90 MB\t\n\n"
    )
    return gzip.compress(text.encode())


def _full_refresh_copy(work: Path, database: Path, label: str, outputs: dict[str, str]) -> Path:
    """A copy of ``database`` rebuilt with --full-refresh (its own file name, for attaching both)."""
    copy = work / f"{label}_full_refresh.duckdb"
    shutil.copy2(database, copy)
    _build(work, copy, f"build-{label}-full-refresh", outputs, "--full-refresh")
    return copy


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory: pytest.TempPathFactory) -> TwoWays:
    work = tmp_path_factory.mktemp("incremental")
    outputs: dict[str, str] = {}
    generated = work / "generated"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "generate_logs.py"),
            "--out",
            str(generated),
            "--quiet",
            *GENERATOR_OPTIONS,
        ],
        cwd=REPO,
        check=True,
    )
    key = json.loads((generated / "answer_key.json").read_text())
    logs = generated / key["layout"]["input_path"]
    assert logs.is_dir(), f"expected a folder of logs at {logs}"

    # different file names, so each file's views name their own catalog when both are attached
    reference = work / "full_refresh.duckdb"
    _load(logs, reference, "load-reference", outputs)
    _build(work, reference, "build-reference", outputs, "--full-refresh")

    # source_file is the path from the folder loaded, that folder's name included
    files = sorted(path.relative_to(logs.parent).as_posix() for path in logs.rglob("*.gz"))
    late_file = _late_file(reference)
    assert late_file in files
    rng = random.Random(31)
    others = [name for name in files if name != late_file]
    changed_file = rng.choice(others)
    held_back = sorted(
        {
            late_file,
            *rng.sample([name for name in others if name != changed_file], max(1, round(RANDOM_SHARE * len(files)))),
        }
    )

    # the same folder name in both steps, so the loader sees the same source_file paths
    staged = work / "staged" / logs.name
    shutil.copytree(logs, staged)
    for name in held_back:
        (staged.parent / name).unlink()
    whole_changed_file = (logs.parent / changed_file).read_bytes()
    (staged.parent / changed_file).write_bytes(
        gzip.compress(_first_half_of_events(gzip.decompress(whole_changed_file).decode()).encode())
    )

    two_steps = work / "two_steps.duckdb"
    _load(staged, two_steps, "load-first-step", outputs)
    _build(work, two_steps, "build-first-step", outputs)

    for name in held_back:
        shutil.copy2(logs.parent / name, staged.parent / name)
    (staged.parent / changed_file).write_bytes(whole_changed_file)
    _load(staged, two_steps, "load-second-step", outputs)
    _build(work, two_steps, "build-second-step", outputs)

    # the later steps work on a copy, so the two-step database stays as it was compared
    later = work / "later_steps.duckdb"
    shutil.copy2(two_steps, later)
    transaction_id, user_id, _, logged_at = _transaction_to_refuse(later, set(held_back) | {changed_file})
    refusal_path = staged / REFUSAL_FILE
    refusal_path.parent.mkdir(parents=True)
    refusal_path.write_bytes(_refusal_log(transaction_id, user_id, logged_at))
    _load(staged, later, "load-refusal", outputs)
    _build(work, later, "build-refusal", outputs)
    refusal_added = work / "refusal_added.duckdb"
    shutil.copy2(later, refusal_added)
    refusal_added_reference = _full_refresh_copy(work, later, "refusal_added", outputs)

    refusal_path.write_bytes(b"\x1f\x8b\x08\x00 this export was cut short and is not gzip")
    _load(staged, later, "load-refusal-rejected", outputs)
    _build(work, later, "build-refusal-rejected", outputs)
    refusal_rejected_reference = _full_refresh_copy(work, later, "refusal_rejected", outputs)

    return TwoWays(
        reference,
        two_steps,
        late_file,
        changed_file,
        held_back,
        outputs,
        (refusal_added, refusal_added_reference),
        (later, refusal_rejected_reference),
        f"{staged.name}/{REFUSAL_FILE}",
        transaction_id,
    )


def _mart_columns(connection: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    rows = connection.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = 'marts' order by table_name, ordinal_position",
        [catalog],
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def test_the_second_step_changed_what_the_first_built(two_ways: TwoWays) -> None:
    """The steps are real: the first build lacked the held-back files and had the cut file."""
    second = two_ways.build_outputs["load-second-step"]
    assert f"files loaded {len(two_ways.held_back) + 1:,}" in second, second[-2000:]
    with duckdb.connect(str(two_ways.two_steps), read_only=True) as connection:
        loaded = {
            row[0]
            for row in connection.execute(
                "select source_file from marts.source_files where status = 'loaded'"
            ).fetchall()
        }
    assert two_ways.late_file in loaded and two_ways.changed_file in loaded


def test_every_mart_equals_a_full_refresh_build(two_ways: TwoWays) -> None:
    _assert_same_marts(two_ways.two_steps, two_ways.reference)


def test_a_refusal_in_a_new_file_reaches_the_transaction_of_an_old_file(two_ways: TwoWays) -> None:
    incremental, reference = two_ways.refusal_added
    with duckdb.connect(str(incremental), read_only=True) as connection:
        outcome, is_overdraft = connection.execute(
            "select outcome, is_overdraft from marts.transactions where transaction_id = ?",
            [two_ways.refused_transaction_id],
        ).fetchone()
        overdrafts = connection.execute(
            "select count(*) from marts.overdrafts where transaction_id = ?", [two_ways.refused_transaction_id]
        ).fetchone()[0]
    assert (outcome, is_overdraft, overdrafts) == ("blocked_negative_balance", True, 1)
    _assert_same_marts(incremental, reference)


def test_a_file_rejected_on_reload_leaves_no_rows_behind(two_ways: TwoWays) -> None:
    incremental, reference = two_ways.refusal_rejected
    with duckdb.connect(str(incremental), read_only=True) as connection:
        status = connection.execute(
            "select status from marts.source_files where source_file = ?", [two_ways.refusal_file]
        ).fetchone()
        events = connection.execute(
            "select count(*) from marts.log_events where source_file = ?", [two_ways.refusal_file]
        ).fetchone()[0]
        outcome = connection.execute(
            "select outcome from marts.transactions where transaction_id = ?", [two_ways.refused_transaction_id]
        ).fetchone()[0]
    assert status == ("rejected",)
    assert events == 0
    assert outcome == "published"
    _assert_same_marts(incremental, reference)


def _assert_same_marts(incremental: Path, reference: Path) -> None:
    with duckdb.connect(str(incremental), read_only=True) as connection:
        connection.execute(f"attach '{reference}' (read_only)")
        catalog = incremental.stem
        incremental_marts = _mart_columns(connection, catalog)
        reference_marts = _mart_columns(connection, reference.stem)
        assert incremental_marts, "no marts were built"
        assert incremental_marts == reference_marts, "the two builds have different marts or columns"
        differences: dict[str, tuple[int, int]] = {}
        for table, columns in incremental_marts.items():
            compared = ", ".join(f'"{column}"' for column in columns if column not in LOAD_TIME_COLUMNS)
            mine = f'select {compared} from "{catalog}".marts."{table}"'
            theirs = f'select {compared} from "{reference.stem}".marts."{table}"'
            only_here = connection.execute(f"select count(*) from ({mine} except all {theirs})").fetchone()[0]
            only_there = connection.execute(f"select count(*) from ({theirs} except all {mine})").fetchone()[0]
            if only_here or only_there:
                differences[table] = (only_here, only_there)
        assert not differences, (
            "marts differ from a --full-refresh build (rows only in the two-step build, rows only in the "
            f"reference): {differences}"
        )
