"""Fixtures of the Spark tests: a real standalone cluster (scripts/spark-cluster.sh) for the
whole session, stopped at the end whatever happened.

Skipped, with the reason, where the Spark engine is not installed (scripts/setup.sh --spark);
scripts/test.sh installs it, so CI runs them. BALANCE_SYNC_TEST_SPARK_MASTER runs them on an
existing master instead of starting one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def _spark_environment() -> dict[str, str]:
    """The variables scripts/spark-env.sh sets (JAVA_HOME, SPARK_HOME, PYSPARK_PYTHON...)."""
    output = subprocess.run(
        ["bash", "-c", f"source {SCRIPTS / 'spark-env.sh'} && env -0"], check=True, capture_output=True
    ).stdout
    return dict(entry.split("=", 1) for entry in output.decode().split("\0") if "=" in entry)


@pytest.fixture(scope="session")
def spark_master() -> Iterator[str]:
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("the Spark engine is not installed here: run scripts/setup.sh --spark")
    environment = _spark_environment()
    if not environment.get("JAVA_HOME"):
        pytest.skip("Java 17 is not installed here: run scripts/setup.sh --spark")
    for name in ("JAVA_HOME", "SPARK_HOME", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "SPARK_LOCAL_IP"):
        os.environ[name] = environment[name]
    existing = os.environ.get("BALANCE_SYNC_TEST_SPARK_MASTER")
    if existing:
        yield existing
        return
    state = tempfile.mkdtemp(prefix="spark-cluster-")
    cluster = {**os.environ, "SPARK_CLUSTER_DIR": state}
    try:
        started = subprocess.run(
            [str(SCRIPTS / "spark-cluster.sh"), "start"], env=cluster, check=True, capture_output=True, text=True
        )
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(SCRIPTS / "spark-cluster.sh"), "stop"], env=cluster, check=False)
