"""Acceptance: the real sample in ../shared/data gives the figures of DOMAIN.md section 5.

Loads the sample with scripts/load_logs.py into a temporary DuckDB file, runs
`dbt build` (models, data tests, contracts; the unit tests run in scripts/test.sh) on it, then asserts
every figure of the table in DOMAIN.md section 5 against the marts. The
figures live here, in the test, never in product code. dbt does not parse
this folder: it reads only `.sql` and `.yml` files under tests/.

Skipped, with a message saying why, where the sample is absent. Set
BALANCE_SYNC_SAMPLE to use a copy of the sample elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = Path(os.environ.get("BALANCE_SYNC_SAMPLE", REPO.parent / "shared" / "data")) / "balance-sync-logs"
DBT = Path(sys.executable).with_name("dbt")
# Every line of raw.log_events (each event's text split at "\n", numbered from its first line).
RAW_LINES = """(
    select source_file, line_number + generate_subscripts(lines, 1) - 1 as line_number, unnest(lines) as line
    from (select source_file, line_number, string_split(event_text, chr(10)) as lines from raw.log_events)
)"""

pytestmark = [pytest.mark.sample, pytest.mark.slow]


@dataclass(frozen=True)
class BuiltSample:
    """The sample loaded and built into a fresh DuckDB file."""

    database: Path
    build: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> BuiltSample:
    if not SAMPLE.is_dir():
        pytest.skip(f"real sample logs not found at {SAMPLE}: acceptance figures of DOMAIN.md section 5 not checked")
    work = tmp_path_factory.mktemp("acceptance")
    database = work / "sample.duckdb"
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "load_logs.py"), "--progress", "plain", str(SAMPLE)],
        cwd=REPO,
        env=env,
        check=True,
    )
    build = subprocess.run(
        [str(DBT), "build", "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    return BuiltSample(database=database, build=build)


@pytest.fixture(scope="module")
def marts(built_sample: BuiltSample) -> Iterator[duckdb.DuckDBPyConnection]:
    """The built sample opened read-only. The figures are checked even when
    some dbt test failed (test_dbt_build_passes_on_the_sample reports that),
    as long as the marts were built."""
    connection = duckdb.connect(str(built_sample.database), read_only=True)
    missing = {
        "source_files",
        "log_events",
        "invocations",
        "transactions",
        "overdrafts",
        "sync_mismatches",
        "users",
    } - {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    if missing:
        connection.close()
        pytest.fail(f"dbt build did not create marts {sorted(missing)}:\n{built_sample.build.stdout[-6000:]}")
    yield connection
    connection.close()


def test_dbt_build_passes_on_the_sample(built_sample: BuiltSample) -> None:
    """Models, data tests and contracts all pass on the real sample."""
    build = built_sample.build
    assert build.returncode == 0, f"dbt build failed on the sample:\n{build.stdout[-6000:]}\n{build.stderr[-2000:]}"


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def test_files_and_lines(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.source_files where status = 'loaded'") == 1367
    assert scalar(marts, "select count(*) from marts.source_files") == 1367
    assert scalar(marts, "select sum(line_count) from marts.source_files") == 357295
    assert scalar(marts, "select sum(line_count) from marts.log_events") == 357295


def test_events(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.log_events") == 67197
    assert scalar(marts, "select count(*) from marts.log_events where event_type = 'application'") == 45467
    levels = dict(
        marts.execute(
            "select level, count(*) from marts.log_events where event_type = 'application' group by level"
        ).fetchall()
    )
    assert levels == {"INFO": 41657, "ERROR": 3810}


def test_every_message_prefix_is_classified(marts: duckdb.DuckDBPyConnection) -> None:
    # unknown text stays present as `other`; in the sample, only the 26
    # platform lines "Unknown application error occurred" are not known
    assert (
        scalar(
            marts, "select count(*) from marts.log_events where message_kind = 'other' and event_type = 'application'"
        )
        == 0
    )
    assert scalar(marts, "select count(*) from marts.log_events where message_kind = 'processing_message'") == 14149


def test_invocations(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.invocations") == 6747
    assert scalar(marts, "select count(*) from marts.log_events where event_type = 'init_start'") == 1375
    assert (
        scalar(
            marts,
            "select count(*) from marts.log_events where event_type = 'init_report' and message like '%Status: error%'",
        )
        == 36
    )


def test_transactions(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.transactions") == 13333
    assert scalar(marts, "select count(distinct user_id) from marts.transactions") == 772
    assert scalar(marts, "select count(*) from marts.transactions where layout_version = 'legacy'") == 1299
    by_currency = dict(marts.execute("select currency, count(*) from marts.transactions group by currency").fetchall())
    assert by_currency == {"BHD": 9048, "SAR": 3830, "AED": 213, "KWD": 178, "QAR": 64}
    assert scalar(marts, "select count(*) from marts.transactions where payment_balance < 0") == 181


def test_overdrafts(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.transactions where new_balance < 0") == 7
    assert scalar(marts, "select count(*) from marts.overdrafts") == 11
    assert scalar(marts, "select count(distinct transaction_id) from marts.overdrafts") == 11


def test_sync_mismatches(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.sync_mismatches") == 3739
    assert scalar(marts, "select count(*) from marts.sync_mismatches where transaction_id is not null") == 3739
    assert scalar(marts, "select count(distinct user_id) from marts.sync_mismatches") == 200


def test_balance_rules(marts: duckdb.DuckDBPyConnection) -> None:
    assert scalar(marts, "select count(*) from marts.transactions where is_arithmetic_mismatch") == 5
    assert scalar(marts, "select count(*) from marts.transactions where previous_new_balance is not null") == 12561
    assert scalar(marts, "select count(*) from marts.transactions where is_continuity_break") == 2017


def test_outcomes(marts: duckdb.DuckDBPyConnection) -> None:
    outcomes = dict(marts.execute("select outcome, count(*) from marts.transactions group by outcome").fetchall())
    assert outcomes == {"published": 13119, "already_synced": 207, "blocked_negative_balance": 7}


def test_money_is_exact_decimal(marts: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        marts.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'transactions'"
        ).fetchall()
    )
    for column in (
        "amount",
        "vat",
        "net_amount",
        "old_balance",
        "new_balance",
        "payment_balance",
        "expected_new_balance",
    ):
        assert types[column].startswith("DECIMAL("), (column, types[column])
        scale = int(types[column].rstrip(")").split(",")[1])
        assert scale >= 6, (column, types[column])


def test_no_personal_data_in_marts(marts: duckdb.DuckDBPyConnection) -> None:
    """Names, e-mails and phone numbers of the sample's debug dumps appear in no mart column.

    The values are read from the raw lines (raw.log_events) at test time, so no personal data
    is written into the repository.
    """
    secrets = [
        row[0]
        for row in marts.execute(
            """
        select distinct unnest(regexp_extract_all(
            line, '"(?:name|email|phoneNumber|subscriptionName|subscriptionEmail|subscriptionPhoneNumber)":"([^"]{4,})"', 1
        ))
        from """
            + RAW_LINES
            + """
        where line like '%"email"%' or line like '%"phoneNumber"%' or line like '%subscriptionEmail%'
        """
        ).fetchall()
    ]
    assert len(secrets) >= 5, "expected the sample's debug dumps to hold names, e-mails and phone numbers"
    columns = marts.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'"
    ).fetchall()
    assert columns
    for table, column in columns:
        found = marts.execute(
            f"select count(*) from marts.{table}, (select unnest(?::varchar[]) as secret) "
            f"where contains({column}, secret)",
            [secrets],
        ).fetchone()
        assert found is not None and found[0] == 0, f"personal data found in marts.{table}.{column}"
