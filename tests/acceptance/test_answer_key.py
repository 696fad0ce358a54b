"""Acceptance: generated logs at two scales give, in the marts, exactly what the generator's answer key says.

For each scale, scripts/generate_logs.py writes logs and answer_key.json into a
temporary folder, scripts/load_logs.py loads them into a fresh DuckDB file and
`dbt build` (models, data tests, contracts; the unit tests run in scripts/test.sh) runs on it; then every
total and id list of the key (docs/generator.md explains each field and its
mart) is compared with the marts:

- ``small``: about 2.7 MB, written as a zip with the 6 broken files of
  ``--broken`` (their statuses and per-file figures are checked one by one;
  the totals of the key cover the good files, so those are compared over the
  good files, and ``totals_with_broken`` over everything);
- ``large``: about 30 MB (several thousand files, many shards), a folder tree.

The key is computed by the generator from the text it wrote, independently of
the SQL, so a difference is a bug on one side or the other. Both sides run in
this test; nothing is hard-coded. About a minute on a busy 2-core machine.

    .venv/bin/python -m pytest tests/acceptance/test_answer_key.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")

pytestmark = [pytest.mark.slow]

SCALES: dict[str, list[str]] = {
    "small": ["--seed", "11", "--files", "250", "--users", "120", "--zip", "--broken"],
    "large": ["--seed", "12", "--target-mb", "30"],
}


# Every line of raw.log_events (each event's text split at "\n", numbered from its first line).
RAW_LINES = """(
    select source_file, line_number + generate_subscripts(lines, 1) - 1 as line_number, unnest(lines) as line
    from (select source_file, line_number, string_split(event_text, chr(10)) as lines from raw.log_events)
)"""


@dataclass
class Built:
    """One scale, generated, loaded and built."""

    scale: str
    key: dict[str, Any]
    db: duckdb.DuckDBPyConnection
    build_returncode: int
    build_output: str
    broken_sources: list[str]  # source_file of the --broken files, as stored in raw.log_files

    def rows(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        try:
            return self.db.execute(sql, parameters or []).fetchall()
        except duckdb.CatalogException as error:
            if self.build_returncode:
                pytest.fail(f"a mart is missing because dbt build failed (see test_dbt_build_passes): {error}")
            raise

    def scalar(self, sql: str, parameters: list[Any] | None = None) -> Any:
        rows = self.rows(sql, parameters)
        assert rows
        return rows[0][0]

    def pairs(self, sql: str, parameters: list[Any] | None = None) -> dict[Any, Any]:
        return dict(self.rows(sql, parameters))

    def ids(self, sql: str, parameters: list[Any] | None = None) -> list[Any]:
        return sorted(row[0] for row in self.rows(sql, parameters))

    def has_table(self, schema: str, table: str) -> bool:
        return bool(
            self.scalar(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            )
        )

    @property
    def good_files(self) -> str:
        """SQL predicate on ``source_file``: the generated (not broken) files."""
        if not self.broken_sources:
            return "true"
        listed = ", ".join("'" + name.replace("'", "''") + "'" for name in self.broken_sources)
        return f"source_file not in ({listed})"


@pytest.fixture(scope="module", params=list(SCALES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    scale: str = request.param
    work = tmp_path_factory.mktemp(f"answer-key-{scale}")
    out = work / "generated"
    database = work / f"{scale}.duckdb"
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_logs.py"), "--out", str(out), "--quiet", *SCALES[scale]],
        cwd=REPO,
        env=env,
        check=True,
    )
    key = json.loads((out / "answer_key.json").read_text())
    logs = out / key["layout"]["input_path"]
    assert logs.exists(), f"the key's layout.input_path {logs} was not written"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "load_logs.py"), "--progress", "plain", str(logs)],
        cwd=REPO,
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    build = subprocess.run(
        [str(DBT), "build", "--target-path", str(work / "target"), "--log-path", str(work / "dbt-logs")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    # source_file starts with the folder loaded (the key's root; a zip: the zip's name, then the member path)
    prefix = logs.name + "/" if logs.suffix == ".zip" else ""
    broken = [prefix + bad["source_file"] for bad in key.get("broken_files", [])]
    connection = duckdb.connect(str(database), read_only=True)
    yield Built(scale, key, connection, build.returncode, build.stdout + build.stderr, broken)
    connection.close()


def test_dbt_build_passes(built: Built) -> None:
    failures = [line for line in built.build_output.splitlines() if "FAIL" in line or "ERROR" in line]
    assert built.build_returncode == 0, (
        f"dbt build failed on generated logs ({built.scale}):\n"
        + "\n".join(failures[-40:])
        + "\n"
        + built.build_output[-3000:]
    )


# --- files, lines, events -------------------------------------------------------------------------------


def test_files_and_lines(built: Built) -> None:
    totals = built.key["totals"]
    good = built.good_files
    assert (
        built.scalar(f"select count(*) from marts.source_files where status = 'loaded' and {good}") == totals["files"]
    )
    assert built.scalar(f"select sum(line_count) from marts.source_files where {good}") == totals["lines"]
    assert built.scalar(f"select sum(line_count) from raw.log_events where {good}") == totals["lines"]
    assert built.scalar(f"select count(*) from {RAW_LINES} where {good}") == totals["lines"]
    # every good file ends with a line feed: its bytes are its events' bytes (lines joined by
    # "\n") plus the "\n" after each event
    assert (
        built.scalar(f"select sum(strlen(event_text) + 1) from raw.log_events where {good}")
        == totals["decompressed_bytes"]
    )
    assert built.scalar(f"select sum(line_count) from marts.log_events where {good}") == totals["lines"]
    assert built.scalar(f"select count(*) from {RAW_LINES} where line like 'XRAY%'") == totals["xray_lines"]
    with_broken = built.key.get("totals_with_broken")
    if with_broken:
        assert built.scalar("select count(*) from marts.source_files") == with_broken["files_seen"]
        assert (
            built.scalar("select count(*) from marts.source_files where status = 'loaded'")
            == with_broken["files_loaded"]
        )
        assert (
            built.scalar("select count(*) from marts.source_files where status = 'rejected'")
            == with_broken["files_rejected"]
        )
        assert built.scalar("select sum(line_count) from marts.source_files") == with_broken["lines"]
        assert built.scalar("select sum(line_count) from raw.log_events") == with_broken["lines"]
    else:
        assert built.scalar("select count(*) from marts.source_files") == totals["files"]


def test_events_by_kind_and_level(built: Built) -> None:
    totals = built.key["totals"]
    good = built.good_files
    assert built.scalar(f"select count(*) from marts.log_events where {good}") == totals["events"]
    assert built.scalar(f"select sum(event_count) from marts.source_files where {good}") == totals["events"]
    assert (
        built.scalar(f"select count(*) from marts.log_events where event_type = 'application' and {good}")
        == totals["application_events"]
    )
    assert (
        built.pairs(
            f"select level, count(*) from marts.log_events where event_type = 'application' and {good} group by level"
        )
        == totals["application_events_by_level"]
    )
    assert (
        built.pairs(f"select message_kind, count(*) from marts.log_events where {good} group by message_kind")
        == totals["events_by_kind"]
    )
    other = totals["other_events"]
    assert built.pairs(
        f"""select case when event_type = 'application' then 'application' else 'non_application' end, count(*)
            from marts.log_events where message_kind = 'other' and {good} group by 1"""
    ) == {name: count for name, count in other.items() if name != "total" and count}
    assert (
        built.scalar(f"select count(*) from marts.log_events where message_kind = 'metric' and {good}")
        == totals["metric_lines"]
    )
    with_broken = built.key.get("totals_with_broken")
    if with_broken:
        assert built.scalar("select count(*) from marts.log_events") == with_broken["events"]
        assert (
            built.pairs("select level, count(*) from marts.log_events where event_type = 'application' group by level")
            == with_broken["application_events_by_level"]
        )
        assert (
            built.scalar("select count(*) from marts.log_events where message_kind = 'processing_message'")
            == with_broken["processing_messages"]
        )


def test_out_of_order_files(built: Built) -> None:
    """Files whose event timestamps go backwards in file order (chunks written out of time order)."""
    assert (
        built.scalar(
            f"""
        with ordered as (
            select source_file, logged_at < lag(logged_at) over (partition by source_file order by line_number) as goes_back
            from marts.log_events
            where {built.good_files}
        )
        select count(distinct source_file) from ordered where goes_back
        """
        )
        == built.key["totals"]["out_of_order_files"]
    )


def test_invocations_cold_starts_failed_inits(built: Built) -> None:
    totals = built.key["totals"]
    good = built.good_files
    assert built.scalar(f"select count(*) from marts.invocations where {good}") == totals["invocations"]
    assert (
        built.scalar(f"select count(*) from marts.log_events where message_kind = 'start' and {good}")
        == totals["invocations"]
    )
    assert (
        built.scalar(f"select count(*) from marts.log_events where event_type = 'init_start' and {good}")
        == totals["cold_starts"]
    )
    assert (
        built.scalar(
            f"select count(*) from marts.log_events where event_type = 'init_report' and message like '%Status: error%' and {good}"
        )
        == totals["failed_inits"]
    )
    assert (
        built.scalar(f"select count(*) from marts.log_events where message_kind = 'processing_message' and {good}")
        == totals["processing_messages"]
    )
    with_broken = built.key.get("totals_with_broken")
    if with_broken:
        assert built.scalar("select count(*) from marts.invocations") == with_broken["invocations"]
        assert (
            built.scalar("select count(*) from marts.log_events where event_type = 'init_start'")
            == with_broken["cold_starts"]
        )


# --- transactions ---------------------------------------------------------------------------------------


def test_transaction_totals(built: Built) -> None:
    expected = built.key["transactions"]
    assert built.scalar("select count(*) from marts.transactions") == expected["total"]
    assert built.scalar("select count(distinct transaction_id) from marts.transactions") == expected["total"]
    assert built.pairs("select currency, count(*) from marts.transactions group by currency") == expected["by_currency"]
    assert (
        built.pairs(
            "select case when is_type_inferred then 'legacy' else transaction_type end, count(*) "
            "from marts.transactions group by 1"
        )
        == expected["by_type"]
    )
    assert built.scalar("select count(*) from marts.transactions where is_type_inferred") == expected["legacy"]
    assert built.scalar("select count(*) from marts.transactions where layout_version = 'legacy'") == expected["legacy"]
    assert built.scalar("select count(distinct user_id) from marts.transactions") == expected["distinct_users"]
    assert (
        built.scalar("select count(*) from marts.transactions where payment_balance < 0")
        == expected["payment_balance_negative"]
    )
    assert built.pairs("select outcome, count(*) from marts.transactions group by outcome") == {
        outcome: count for outcome, count in expected["outcomes"].items() if count
    }
    with_broken = built.key.get("totals_with_broken")
    if with_broken:
        assert with_broken["transactions"] == expected["total"]
        assert built.scalar("select sum(transaction_count) from marts.source_files") == expected["total"]


def test_net_amount_totals(built: Built) -> None:
    """Sums of amount - vat per currency and logged type (current layout) against the key's exact sums.

    The key sums the numbers exactly as printed, float noise included (``60.181000000000004`` has 15
    decimals). DOMAIN.md section 4 asks for exact decimals with at least 6 decimal places, so a correct
    mart may round each amount and vat once at the 6th place or finer (the marts' decimal(38,12)
    does at the 12th): by at most half a unit of the 6th place each, so the sum of n rows may differ
    from the exact one by at most n millionths, and no more. Gross errors (a sign, vat not taken
    off, a row lost or counted twice) are far larger than that.
    """
    scale = built.scalar(
        "select numeric_scale from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'transactions' and column_name = 'net_amount'"
    )
    assert scale is not None and scale >= 6, f"net_amount is not an exact decimal with >= 6 places (scale {scale})"
    unit = Decimal("0.000001")
    rows = built.rows(
        "select currency || ':' || transaction_type, cast(sum(net_amount) as varchar), count(*) "
        "from marts.transactions where not is_type_inferred group by 1"
    )
    actual = {name: (Decimal(total), count) for name, total, count in rows}
    expected = {name: Decimal(str(total)) for name, total in built.key["transactions"]["net_amount_totals"].items()}
    assert sorted(actual) == sorted(expected)
    for name, exact in expected.items():
        total, count = actual[name]
        assert abs(total - exact) <= count * unit, (
            f"{name}: marts sum {total}, key {exact}: more than {count} rows x {unit} apart"
        )


def test_users_mart_agrees(built: Built) -> None:
    key = built.key
    assert built.scalar("select count(*) from marts.users") == key["transactions"]["distinct_users"]
    assert built.scalar("select sum(transaction_count) from marts.users") == key["transactions"]["total"]
    assert built.scalar("select sum(continuity_break_count) from marts.users") == key["continuity"]["breaks"]
    assert (
        built.scalar("select sum(arithmetic_mismatch_count) from marts.users") == key["arithmetic_mismatches"]["count"]
    )
    assert built.scalar("select sum(sync_mismatch_count) from marts.users") == key["sync_mismatches"]["count"]
    assert (
        built.scalar("select count(*) from marts.users where sync_mismatch_count > 0")
        == key["sync_mismatches"]["distinct_users"]
    )
    per_user = Counter(detail["user_id"] for detail in key["overdrafts"]["details"])
    assert built.pairs("select user_id, overdraft_count from marts.users where overdraft_count > 0") == dict(per_user)


# --- anomalies ------------------------------------------------------------------------------------------


def test_overdrafts(built: Built) -> None:
    expected = built.key["overdrafts"]
    assert built.scalar("select count(*) from marts.overdrafts") == expected["count"]
    assert built.ids("select transaction_id from marts.overdrafts") == sorted(expected["transaction_ids"])
    assert (
        built.scalar("select count(*) from marts.transactions where new_balance < 0")
        == expected["new_balance_negative"]
    )
    assert (
        built.scalar("select count(*) from marts.log_events where message_kind = 'negative_balance_refusal'")
        == expected["refused_attempts"]
    )
    assert (
        built.scalar("select count(*) from marts.overdrafts where not has_transaction_block")
        == expected["refused_without_transaction_block"]
    )
    actual = {
        transaction_id: {"user_id": user_id, "was_blocked": was_blocked, "has_transaction_block": has_block}
        for transaction_id, user_id, was_blocked, has_block in built.rows(
            "select transaction_id, user_id, was_blocked, has_transaction_block from marts.overdrafts"
        )
    }
    wanted = {
        detail["transaction_id"]: {name: detail[name] for name in ("user_id", "was_blocked", "has_transaction_block")}
        for detail in expected["details"]
    }
    assert actual == wanted
    # a blocked transaction block is flagged in marts.transactions too
    assert built.ids("select transaction_id from marts.transactions where is_overdraft") == sorted(
        detail["transaction_id"] for detail in expected["details"] if detail["has_transaction_block"]
    )


def test_arithmetic_mismatches(built: Built) -> None:
    expected = built.key["arithmetic_mismatches"]
    assert built.ids("select transaction_id from marts.transactions where is_arithmetic_mismatch") == sorted(
        expected["transaction_ids"]
    )
    assert len(expected["transaction_ids"]) == expected["count"]


def test_continuity_breaks(built: Built) -> None:
    expected = built.key["continuity"]
    assert (
        built.scalar("select count(*) from marts.transactions where previous_new_balance is not null")
        == expected["pairs"]
    )
    assert built.scalar("select count(*) from marts.transactions where is_continuity_break") == expected["breaks"]
    assert built.ids("select transaction_id from marts.transactions where is_continuity_break") == sorted(
        expected["transaction_ids"]
    )


def test_sync_mismatches(built: Built) -> None:
    expected = built.key["sync_mismatches"]
    assert built.scalar("select count(*) from marts.sync_mismatches") == expected["count"]
    assert (
        built.scalar("select count(*) from marts.sync_mismatches where transaction_id is not null")
        == expected["linked_to_transaction"]
    )
    assert built.scalar("select count(distinct user_id) from marts.sync_mismatches") == expected["distinct_users"]
    assert built.ids("select transaction_id from marts.sync_mismatches") == sorted(expected["transaction_ids"])
    assert built.ids("select transaction_id from marts.transactions where has_sync_mismatch") == sorted(
        set(expected["transaction_ids"])
    )


def test_duplicates(built: Built) -> None:
    if not built.has_table("marts", "reconciliation_issues"):
        pytest.skip("marts.reconciliation_issues is not built yet: the key's duplicates are not checked")
    expected = built.key["duplicates"]
    actual = built.rows(
        "select transaction_id, related_transaction_id from marts.reconciliation_issues "
        "where issue_type = 'duplicate_content'"
    )
    assert sorted(actual) == sorted((pair["transaction_id"], pair["duplicate_of"]) for pair in expected["pairs"])
    assert len(actual) == expected["count"]


# --- broken files ---------------------------------------------------------------------------------------


def test_broken_files(built: Built) -> None:
    broken = built.key.get("broken_files", [])
    if not broken:
        assert built.scalar("select count(*) from marts.source_files where status <> 'loaded'") == 0
        return
    assert len(broken) == len(built.broken_sources)
    for bad, source_file in zip(broken, built.broken_sources):
        found = built.rows(
            "select status, size_bytes, line_count, event_count, transaction_count, has_invalid_utf8, error "
            "from marts.source_files where source_file = ?",
            [source_file],
        )
        assert len(found) == 1, f"{bad['name']}: {source_file} not once in marts.source_files"
        status, size_bytes, line_count, event_count, transactions, invalid_utf8, error = found[0]
        label = f"{bad['name']} ({source_file})"
        assert status == bad["expected_status"], f"{label}: status {status}, error {error!r}"
        assert size_bytes == bad["size_bytes"], label
        if status == "rejected":
            assert error, f"{label}: rejected without a reason"
            continue
        assert error is None, label
        assert line_count == bad["line_count"], label
        assert event_count == bad["event_count"], label
        assert transactions == bad["transactions"], label
        assert invalid_utf8 == bad.get("has_invalid_utf8", False), label
        where = [source_file]
        assert (
            built.scalar("select count(*) from marts.invocations where source_file = ?", where) == bad["invocations"]
        ), label
        assert (
            built.scalar(
                "select count(*) from marts.log_events where source_file = ? and event_type = 'init_start'", where
            )
            == bad["cold_starts"]
        ), label
        assert (
            built.scalar(
                "select count(*) from marts.log_events where source_file = ? and message_kind = 'processing_message'",
                where,
            )
            == bad["processing_messages"]
        ), label
        assert built.pairs(
            "select level, count(*) from marts.log_events where source_file = ? and event_type = 'application' "
            "group by level",
            where,
        ) == {level: count for level, count in bad["application_events_by_level"].items() if count}, label
        if "invalid_line_number" in bad:
            assert built.ids(
                f"select line_number from {RAW_LINES} where source_file = ? and contains(line, '\ufffd')", where
            ) == [bad["invalid_line_number"]], label
