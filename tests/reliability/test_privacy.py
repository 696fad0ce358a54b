"""Privacy (issue 7, item 4; DOMAIN.md section 3): names, e-mails and phone numbers never reach a mart or a report.

After load + `dbt build`, EVERY column (cast to text) of EVERY table in the
user-facing schemas (marts, and any schema other than the pipeline's internal
raw/staging/intermediate) is scanned for
- any e-mail address (pattern),
- any `+` phone number of 7-15 digits (pattern),
- the literal personal values of the logs' debug dumps and metadata (names,
  e-mails, phone numbers), read from the loaded text at test time, so no
  personal data is written into the repository;
and so is every column of the parquet files the reports ship to viewers
(Evidence's `sources` step, run in a private copy of reports/ against the
test's database, so the team's reports/.evidence is never touched).

Run on generated logs (fake values) and on the real sample (skipped where
../shared/data is absent). Failure messages name table and column, never the
value found.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from reliability_helpers import (
    REPO,
    SAMPLE,
    connect_read_only,
    dbt_build,
    remove_work_folder,
    require_dbt,
    run_loader,
)

pytestmark = pytest.mark.slow

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PHONE = r"\+\d{7,15}"
# keys whose values are personal in the service's debug dumps and transaction metadata
# (in nested JSON strings the quotes come escaped: \"email\":\"...\")
PERSONAL_KEYS = (
    "name",
    "firstName",
    "lastName",
    "senderName",
    "receiverName",
    "email",
    "phoneNumber",
    "subscriptionName",
    "subscriptionEmail",
    "subscriptionPhoneNumber",
)
PERSONAL_VALUE = r'\\*"(?:' + "|".join(PERSONAL_KEYS) + r')\\*"\s*:\s*\\*"([^"\\]{4,})'
# Every line of raw.log_events (each event's text split at "\n", numbered from its first line).
RAW_LINES = """(
    select source_file, line_number + generate_subscripts(lines, 1) - 1 as line_number, unnest(lines) as line
    from (select source_file, line_number, string_split(event_text, chr(10)) as lines from raw.log_events)
)"""

INTERNAL_SCHEMAS = ("raw", "staging", "intermediate", "information_schema", "pg_catalog")
REPORTS = REPO / "reports"


@dataclass
class Secrets:
    literals: list[str]
    emails: int
    phones: int
    names: int


def personal_values(db: duckdb.DuckDBPyConnection) -> Secrets:
    """The personal values in the loaded lines: values of personal keys, every e-mail and phone number."""
    keyed = {
        row[0]
        for row in db.execute(
            f"select distinct unnest(regexp_extract_all(line, ?, 1)) from {RAW_LINES} "
            "where regexp_matches(line, '(?i)name|mail|phone')",
            [PERSONAL_VALUE],
        ).fetchall()
    }
    emails = {
        row[0]
        for row in db.execute(
            f"select distinct unnest(regexp_extract_all(line, ?)) from {RAW_LINES} where contains(line, '@')",
            [EMAIL],
        ).fetchall()
    }
    phones = {
        row[0]
        for row in db.execute(
            f"select distinct unnest(regexp_extract_all(line, ?)) from {RAW_LINES} where contains(line, '+')",
            [PHONE],
        ).fetchall()
    }
    names = {value for value in keyed if not re.fullmatch(EMAIL, value) and not re.fullmatch(r"\+?\d+", value)}
    literals = sorted(keyed | emails | phones)
    return Secrets(literals, len(emails), len(phones), len(names))


def user_facing_tables(db: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return db.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema not in (select unnest(?::varchar[])) and table_catalog = current_database() "
        "order by all",
        [list(INTERNAL_SCHEMAS)],
    ).fetchall()


def findings_in(db: duckdb.DuckDBPyConnection, relation: str, label: str, secrets: Secrets) -> list[str]:
    """Columns of ``relation`` holding an e-mail, a phone number or a literal personal value (counts only)."""
    columns = [row[0] for row in db.execute(f"select * from {relation} limit 0").description]
    literal_pattern = "|".join(re.escape(value) for value in secrets.literals) or "(?!x)x"
    findings = []
    for column in columns:
        text = f'cast("{column}" as varchar)'
        counts = db.execute(
            f"select count(*) filter (where regexp_matches({text}, ?)), "
            f"count(*) filter (where regexp_matches({text}, ?)), "
            f"count(*) filter (where regexp_matches({text}, ?)) from {relation}",
            [EMAIL, PHONE, literal_pattern],
        ).fetchone()
        for kind, count in zip(("e-mail addresses", "phone numbers", "personal values from the logs"), counts):
            if count:
                findings.append(f"{label}.{column}: {count} rows hold {kind}")
    return findings


def scan_database(database: Path, secrets: Secrets) -> tuple[list[str], int]:
    with connect_read_only(database) as db:
        tables = user_facing_tables(db)
        findings = []
        for schema, table in tables:
            findings += findings_in(db, f'"{schema}"."{table}"', f"{schema}.{table}", secrets)
        return findings, len(tables)


def report_data(database: Path, work: Path) -> list[Path]:
    """Run the reports' `sources` step (Evidence) against ``database`` in a private copy of reports/."""
    node = shutil.which("node")
    if node is None or not (REPORTS / "node_modules" / ".bin" / "evidence").exists():
        pytest.skip("reports/node_modules (or node) absent: run `npm ci` in reports/ to scan the reports' data")
    copy = work / "reports"
    shutil.copytree(REPORTS, copy, ignore=shutil.ignore_patterns("node_modules", ".evidence", "build"))
    (copy / "node_modules").symlink_to(REPORTS / "node_modules")
    result = subprocess.run(
        [node, "scripts/reports_sources.mjs"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BALANCE_SYNC_DB": str(database)},
    )
    assert result.returncode == 0, f"reports sources step failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}"
    files = sorted((copy / ".evidence").rglob("*.parquet"))
    assert files, f"the reports' sources step wrote no parquet file:\n{result.stdout[-3000:]}"
    failed = [line for line in result.stdout.splitlines() if "✖" in line or "Error" in line]
    assert not failed, "some report source queries failed:\n" + "\n".join(failed)
    return files


def scan_report_data(files: list[Path], secrets: Secrets) -> list[str]:
    findings = []
    with duckdb.connect() as db:
        for path in files:
            relation = f"read_parquet('{path.as_posix()}')"
            findings += findings_in(db, relation, f"reports:{path.stem}", secrets)
    return findings


@dataclass
class Built:
    database: Path
    work: Path
    secrets: Secrets


def load_and_build(logs: Path, prefix: str) -> Iterator[Built]:
    require_dbt()
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        database = work / "privacy.duckdb"
        run_loader(database, str(logs))
        dbt_build(database, work, check=False)  # a failing data test elsewhere must not hide a leak
        with connect_read_only(database) as db:
            secrets = personal_values(db)
        yield Built(database, work, secrets)
    finally:
        remove_work_folder(work)


@pytest.fixture(scope="module")
def generated_build(generated: tuple[Path, object]) -> Iterator[Built]:
    logs, _ = generated
    yield from load_and_build(logs, "reliability_privacy_generated_")


@pytest.fixture(scope="module")
def sample_build() -> Iterator[Built]:
    if not SAMPLE.is_dir():
        pytest.skip(f"real sample logs not found at {SAMPLE}: the privacy scan of the real data is not run")
    yield from load_and_build(SAMPLE, "reliability_privacy_sample_")


def test_generated_logs_hold_personal_data_and_the_scan_finds_it(generated_build: Built) -> None:
    """The scan has something to find (the generator's fake names, e-mails, phones) and finds it where it may be."""
    secrets = generated_build.secrets
    assert secrets.emails >= 1 and secrets.phones >= 1 and secrets.names >= 1, secrets
    assert all("@example.com" in value for value in secrets.literals if "@" in value)
    with connect_read_only(generated_build.database) as db:
        found = findings_in(db, "intermediate.int_log_events_classified", "intermediate", secrets)
    assert any("e-mail" in item for item in found) and any("phone" in item for item in found), found


def test_no_personal_data_in_any_mart_of_generated_logs(generated_build: Built) -> None:
    findings, tables = scan_database(generated_build.database, generated_build.secrets)
    assert tables >= 7, f"expected the marts of DOMAIN.md section 4, found {tables} user-facing tables"
    assert not findings, "personal data reached a mart:\n" + "\n".join(findings)


def test_no_personal_data_in_the_reports_data_of_generated_logs(generated_build: Built) -> None:
    files = report_data(generated_build.database, generated_build.work)
    findings = scan_report_data(files, generated_build.secrets)
    assert not findings, "personal data reached the reports' data:\n" + "\n".join(findings)


@pytest.mark.sample
def test_no_personal_data_of_the_real_sample_in_any_mart(sample_build: Built) -> None:
    secrets = sample_build.secrets
    assert secrets.emails >= 5 and secrets.phones >= 3, "expected the sample's debug dumps to hold e-mails and phones"
    with connect_read_only(sample_build.database) as db:  # the scan sees them where they may be
        found = findings_in(db, "intermediate.int_log_events_classified", "intermediate", secrets)
    assert any("e-mail" in item for item in found) and any("phone" in item for item in found), found
    findings, tables = scan_database(sample_build.database, secrets)
    assert tables >= 7
    assert not findings, "personal data of the real sample reached a mart:\n" + "\n".join(findings)


@pytest.mark.sample
def test_no_personal_data_of_the_real_sample_in_the_reports_data(sample_build: Built) -> None:
    files = report_data(sample_build.database, sample_build.work)
    findings = scan_report_data(files, sample_build.secrets)
    assert not findings, "personal data of the real sample reached the reports' data:\n" + "\n".join(findings)
