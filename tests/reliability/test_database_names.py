"""Any database file name works: the loader, `dbt build` and the README's queries (scripts/sql.sh)
on a file named with a hyphen, digits, a space, an SQL keyword, a schema of the project, and a
catalog name of DuckDB's. The file is attached under the fixed name `ledger` everywhere, so its
name never becomes a catalog name that SQL would have to quote or could mistake for a schema."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_helpers import GENERATOR, REPO, dbt_build, remove_work_folder, run, run_loader  # noqa: E402

# The README's first query (overdrafts by currency), as a user pastes it.
README_QUERY = (
    "select currency, count(*) as overdrafts, count(*) filter (where was_blocked) as refused, "
    "round(sum(overdraft_amount), 3) as amount_below_zero from marts.overdrafts group by currency order by currency"
)
NAMES = {
    "hyphen": "balance-sync",
    "digits": "2024",
    "space": "my ledger",
    "sql-keyword": "order",
    "project-schema": "marts",
    "duckdb-catalog": "main",
}
# The other names of these kinds: the loader alone (a dbt build each would cost minutes).
LOADER_ONLY_NAMES = ["full", "raw", "staging", "intermediate", "reference", "system", "temp"]


@pytest.fixture(scope="module")
def small_logs() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="reliability_names_"))
    try:
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--out",
                str(folder),
                "--files",
                "6",
                "--users",
                "4",
                "--seed",
                "3",
                "--quiet",
                "--jobs",
                "1",
            ],
            cwd=REPO,
            check=True,
        )
        yield folder / "balance-sync-logs"
    finally:
        remove_work_folder(folder)


@pytest.fixture(scope="module")
def default_name_answer(small_logs: Path) -> Iterator[str]:
    """The README query's answer on the same logs under the default database name."""
    folder = Path(tempfile.mkdtemp(prefix="reliability_names_control_"))
    try:
        database = folder / "balance_sync.duckdb"
        run_loader(database, str(small_logs))
        dbt_build(database, folder)
        yield readme_query(database).stdout
    finally:
        remove_work_folder(folder)


def readme_query(database: Path) -> subprocess.CompletedProcess[str]:
    return run([str(REPO / "scripts" / "sql.sh"), str(database), "-csv", "-c", README_QUERY])


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_load_build_and_query_work_for_any_database_name(
    name: str, small_logs: Path, work: Path, default_name_answer: str
) -> None:
    database = work / f"{name}.duckdb"
    run_loader(database, str(small_logs))
    dbt_build(database, work)
    result = readme_query(database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("currency,overdrafts,refused,amount_below_zero"), result.stdout
    assert result.stdout == default_name_answer, "the same figures as under the default name"


@pytest.mark.parametrize("name", LOADER_ONLY_NAMES)
def test_the_loader_works_for_any_database_name(name: str, small_logs: Path, work: Path) -> None:
    database = work / f"{name}.duckdb"
    first = run_loader(database, str(small_logs))
    again = run_loader(database, str(small_logs))
    assert "files loaded 0," in again.stdout and "files loaded 0," not in first.stdout, again.stdout
    result = run(
        [
            str(REPO / "scripts" / "sql.sh"),
            str(database),
            "-csv",
            "-c",
            "select count(*) from raw.log_files where status = 'loaded'",
        ]
    )
    assert result.returncode == 0 and result.stdout.split()[-1] != "0", result.stdout + result.stderr
