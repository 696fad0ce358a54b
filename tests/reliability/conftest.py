"""Fixtures of the reliability tests: a private work folder and generated logs with an answer key."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_helpers import GENERATOR, REPO, remove_work_folder, require_dbt  # noqa: E402


@pytest.fixture
def work() -> Iterator[Path]:
    """A private folder for one test's DuckDB files and dbt target/log paths, removed afterwards."""
    require_dbt()
    folder = Path(tempfile.mkdtemp(prefix="reliability_"))
    try:
        yield folder
    finally:
        remove_work_folder(folder)


@pytest.fixture(scope="session")
def generated() -> Iterator[tuple[Path, dict[str, Any]]]:
    """Generated logs (40 streams, every event kind, plus the generator's 6 --broken files) and their answer key."""
    folder = Path(tempfile.mkdtemp(prefix="reliability_generated_"))
    try:
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--out",
                str(folder),
                "--files",
                "40",
                "--users",
                "25",
                "--seed",
                "7",
                "--broken",
                "--quiet",
                "--jobs",
                "1",
            ],
            cwd=REPO,
            check=True,
        )
        key = json.loads((folder / "answer_key.json").read_text())
        yield folder / "balance-sync-logs", key
    finally:
        remove_work_folder(folder)
