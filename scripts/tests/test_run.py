"""scripts/run.sh --no-serve: the main job for scheduled runs, and its skipped re-build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"


def run_main_job(database: Path, logs: Path) -> str:
    environment = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    result = subprocess.run(
        [str(REPO / "scripts" / "run.sh"), "--no-serve", str(logs)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_rerun_with_nothing_new_skips_the_build_and_a_new_file_builds_again(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    subprocess.run(
        [str(PYTHON), "scripts/generate_logs.py", "--out", str(generated), "--files", "12", "--quiet"],
        cwd=REPO,
        check=True,
    )
    logs = tmp_path / "logs"
    streams = sorted((generated / "balance-sync-logs").glob("*/*"))
    held_back = streams[-1]
    shutil.copytree(generated / "balance-sync-logs", logs / "balance-sync-logs")
    shutil.rmtree(logs / "balance-sync-logs" / held_back.relative_to(generated / "balance-sync-logs"))
    database = tmp_path / "ledger.duckdb"

    first = run_main_job(database, logs)
    assert "rebuilding every model" in first
    assert "marts built" in first

    second = run_main_job(database, logs)
    assert "nothing new since the last successful build" in second
    assert "marts built" not in second

    shutil.copytree(held_back, logs / "balance-sync-logs" / held_back.relative_to(generated / "balance-sync-logs"))
    third = run_main_job(database, logs)
    assert "rebuilding every model" not in third
    assert "marts built" in third


def test_the_build_record_replaces_an_old_one_with_the_raw_tables_the_build_saw(tmp_path: Path) -> None:
    database = tmp_path / "ledger.duckdb"
    record = Path(f"{database}.last-build")
    record.write_text("stale record of another build\n")
    generated = tmp_path / "generated"
    subprocess.run(
        [str(PYTHON), "scripts/generate_logs.py", "--out", str(generated), "--files", "4", "--quiet"],
        cwd=REPO,
        check=True,
    )
    output = run_main_job(database, generated / "balance-sync-logs")
    assert "marts built" in output
    assert record.read_text().split()[1] == subprocess.run(
        [str(PYTHON), "scripts/raw_version.py", str(database)], capture_output=True, text=True, check=True
    ).stdout.strip()
