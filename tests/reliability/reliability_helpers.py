"""Shared helpers of the reliability tests: run the loader and dbt, read tables, write Node-style logs.

Every test works in its own temporary folder (DuckDB file, dbt target and log
paths), so it never touches the developer's database or another test's files.
"""

from __future__ import annotations

import atexit
import gzip
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
LOADER = SCRIPTS / "load_logs.py"
GENERATOR = SCRIPTS / "generate_logs.py"
DBT = Path(sys.executable).with_name("dbt")
SAMPLE = Path(os.environ.get("BALANCE_SYNC_SAMPLE", REPO.parent / "shared" / "data")) / "balance-sync-logs"

if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from loggen.nodefmt import js_string  # noqa: E402  (util.inspect string quoting, shared with the generator)

# ---- running the product ------------------------------------------------------------------------

# A loader or dbt run that takes longer than this is hung, not slow (the biggest input here is the
# 16 MB sample: about 40 s on a busy 2-core machine).
HANG_SECONDS = 900


def run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, check=False, timeout=HANG_SECONDS, **options
        )
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"{' '.join(command[:3])} ... did not finish within {HANG_SECONDS} s: hung?") from error


def run_loader(database: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``scripts/load_logs.py --database DATABASE ARGUMENTS``; fails the test with its output when it fails."""
    result = run([sys.executable, str(LOADER), "--progress", "plain", "--database", str(database), *arguments])
    if check:
        assert result.returncode == 0, f"loader failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


# The dbt project as it was when the session's first dbt command ran: a test that compares two
# builds must not see a model change that someone saves in the checkout between them.
DBT_PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "snapshots",
)
_project_snapshot: Path | None = None


def dbt_project() -> Path:
    """A private copy of the repo's dbt project (SQL and YAML only), made once per session."""
    global _project_snapshot
    if _project_snapshot is None:
        snapshot = Path(tempfile.mkdtemp(prefix="reliability_dbt_project_"))
        for part in DBT_PROJECT_PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(
                    source,
                    snapshot / part,
                    ignore=lambda folder, names: [
                        name
                        for name in names
                        if not (Path(folder, name).is_dir() or name.endswith((".sql", ".yml", ".yaml", ".csv", ".md")))
                    ],
                )
            elif source.is_file():
                shutil.copyfile(source, snapshot / part)
        atexit.register(shutil.rmtree, snapshot, True)
        _project_snapshot = snapshot
    return _project_snapshot


def dbt_command(work: Path, *arguments: str) -> list[str]:
    """A dbt command line on the project snapshot, with this test's own target and log paths."""
    project = dbt_project()
    return [
        str(DBT),
        *arguments,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(work / "dbt_target"),
        "--log-path",
        str(work / "dbt_logs"),
    ]


def dbt_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BALANCE_SYNC_DB": str(database),
        "PYTHONUNBUFFERED": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def dbt_build(database: Path, work: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = run(dbt_command(work, "build"), env=dbt_env(database))
    if check:
        assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
    return result


def remove_work_folder(folder: Path) -> None:
    """Delete a test's work folder; set RELIABILITY_KEEP=1 to keep it for a post-mortem (its path is printed)."""
    if os.environ.get("RELIABILITY_KEEP"):
        print(f"kept work folder {folder}")
        return
    shutil.rmtree(folder, ignore_errors=True)


def require_dbt() -> None:
    import pytest

    if not DBT.exists():
        pytest.skip(f"dbt not found at {DBT}: run scripts/setup.sh to create the venv")


# ---- reading the database -----------------------------------------------------------------------


def connect_read_only(database: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(database), read_only=True)


def tables_of(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [schema],
        ).fetchall()
    ]


def schema_contents(database: Path, schema: str) -> dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]:
    """Every table of ``schema``: its (column, type) list and all its rows, sorted (order-free comparison)."""
    contents = {}
    with connect_read_only(database) as connection:
        for table in tables_of(connection, schema):
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            rows = connection.execute(f'select * from "{schema}"."{table}" order by all').fetchall()
            contents[table] = (columns, rows)
    return contents


def copy_database(source: Path, target: Path) -> None:
    """Copy a closed DuckDB file (and its WAL, if a killed writer left one)."""
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))


def decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def line_total(text: bytes) -> int:
    """Lines as the loader counts them: every ``\\n``, plus an unterminated last line."""
    return text.count(b"\n") + (1 if text and not text.endswith(b"\n") else 0)


# ---- writing logs the way the service and CloudWatch do ----------------------------------------


def js_number(value: float) -> str:
    """``util.inspect`` of a JavaScript number (ECMAScript Number::toString; ``-0`` as inspect prints it).

    Shortest round-trip digits (Python's repr finds the same digits as V8),
    plain notation for 1e-7 < |x| < 1e21, exponent notation outside it
    (``1e-7``, ``1.5e+21``).
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits)
    k = len(digits)
    n = digits_tuple.exponent + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"
    return sign + body


@dataclass
class Transaction:
    """One transaction block as the service logs it; numbers are kept as the text Node printed."""

    transaction_id: str
    user_id: str
    currency: str
    amount: str
    vat: str
    old_balance: str
    new_balance: str
    legacy: bool = False
    transaction_type: str = "DEBIT"
    source: str = "MANUAL_DEDUCTION"
    action: str = "DELIVERY_DEDUCTION"
    payment_balance: str = "0"
    update_payment_balance: bool = True
    metadata: str | None = None  # the JSON text held in the metadata string; None prints `undefined`

    def block_message(self) -> str:
        """``Start syncing the balance { transaction: {...} }`` exactly as util.inspect lays it out."""
        head = ["Start syncing the balance {", "  transaction: {", f"    id: {js_string(self.transaction_id)},"]
        if self.legacy:
            body = [f"    userId: {js_string(self.user_id)},"]
        else:
            body = [
                f"    type: {js_string(self.transaction_type)},",
                f"    source: {js_string(self.source)},",
                f"    action: {js_string(self.action)},",
                f"    userId: {js_string(self.user_id)},",
                f"    paymentBalance: {self.payment_balance},",
                f"    updatePaymentBalance: {'true' if self.update_payment_balance else 'false'},",
                f"    metadata: {'undefined' if self.metadata is None else js_string(self.metadata)},",
            ]
        tail = [
            f"    currency: {js_string(self.currency)},",
            f"    amount: {self.amount},",
            f"    vat: {self.vat},",
            f"    oldBalance: {self.old_balance},",
            f"    newBalance: {self.new_balance}",
            "  }",
            "}",
        ]
        return "\n".join(head + body + tail)


_INVOCATIONS = itertools.count(1)  # RequestIds are unique across every file a test writes


@dataclass
class StreamWriter:
    """Builds the text of one CloudWatch export file: events, each followed by one empty line."""

    clock: datetime = field(default_factory=lambda: datetime(2024, 3, 1, 8, 0, tzinfo=UTC))
    events: list[str] = field(default_factory=list)

    def stamp(self, step_ms: int = 7) -> str:
        self.clock += timedelta(milliseconds=step_ms)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.clock.microsecond // 1000:03d}Z"

    def platform(self, text: str) -> None:
        self.events.append(f"{self.stamp()} {text}")

    def app(self, request_id: str, message: str, level: str = "INFO") -> None:
        stamp = self.stamp()
        self.events.append(f"{stamp} {stamp}\t{request_id}\t{level}\t{message}")

    def invocation(
        self, items: list[tuple[str, Transaction | str] | tuple[str, Transaction, list[tuple[str, str]]]]
    ) -> str:
        """START, one batch item per (message id, transaction or raw message[, follow-ups]), END, REPORT.

        A transaction is followed by its follow-up (level, message) events, by
        default the "event published" line. Returns the RequestId.
        """
        request_id = f"5e1ab1e0-0000-5000-8000-{next(_INVOCATIONS):012d}"
        self.platform(f"START RequestId: {request_id} Version: $LATEST")
        for message_id, item, *rest in items:
            self.app(request_id, f"Processing message {message_id}")
            if isinstance(item, Transaction):
                self.app(request_id, item.block_message())
                for level, message in rest[0] if rest else [("INFO", PUBLISHED)]:
                    self.app(request_id, message, level)
            else:
                self.app(request_id, item)
        self.platform(f"END RequestId: {request_id}")
        self.platform(
            f"REPORT RequestId: {request_id}\tDuration: 41.07 ms\tBilled Duration: 42 ms\t"
            f"Memory Size: 1024 MB\tMax Memory Used: 97 MB\t"
        )
        return request_id

    def text(self) -> str:
        return "".join(f"{event}\n\n" for event in self.events)


PUBLISHED = "SubscriptionBalanceUpdated event published"


def not_in_sync_message(user_id: str, subscription_balance: str, payment_balance: str) -> str:
    """The ERROR the service logs after publishing when the two balances differ."""
    return "\n".join(
        (
            "Subscription balance and payment balance are not in sync {",
            f"  userId: {js_string(user_id)},",
            f"  subscriptionBalance: {subscription_balance},",
            f"  paymentBalance: {payment_balance}",
            "}",
        )
    )


def refusal_message(transaction_id: str, user_id: str, current_balance: str, new_balance: str) -> str:
    """The bare object the service logs when it refuses a transaction that would go below zero."""
    return "\n".join(
        (
            "{",
            "  message: 'Subscriber will have a negative balance due to this action, the process will terminate.',",
            "  data: {",
            f"    transactionId: {js_string(transaction_id)},",
            f"    userId: {js_string(user_id)},",
            f"    currentBalance: {current_balance},",
            f"    newBalance: {new_balance}",
            "  }",
            "}",
        )
    )


def write_log(path: Path, data: bytes, *, compress: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def stream_folder(root: Path, name: str) -> Path:
    """``root/<export id>/<day>-[$LATEST]<name>/000000.gz``: the real folder shape, brackets and dollar sign kept."""
    return root / "c0ffee00-0000-4000-8000-000000000000" / f"2024-03-01-[$LATEST]{name}" / "000000.gz"
