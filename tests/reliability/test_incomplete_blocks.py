"""A transaction block without currency, userId or other fields never stops the build (issue 16, item 3).

One export holds a complete block, a block without its `currency` line, one without its
`userId` line and one cut at the end of the file after its amount. `dbt build` must pass
(every contract and test); each block stays a transaction row with nulls and names what it
lacks in `missing_fields`; money of unknown currency is grouped apart, never summed into
a currency.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_helpers import (
    StreamWriter,
    Transaction,
    connect_read_only,
    dbt_build,
    run_loader,
    stream_folder,
    write_log,
)

pytestmark = [pytest.mark.slow]


def _without(block: str, key: str) -> str:
    """The block's text without the line of ``key``."""
    return "\n".join(line for line in block.split("\n") if not line.strip().startswith(f"{key}:"))


def test_blocks_missing_fields_stay_rows_and_every_mart_builds(work: Path) -> None:
    stream = StreamWriter()
    complete = Transaction("TX-COMPLETE", "user-a", "BHD", "10", "0.5", "100", "90.5")
    no_currency = Transaction("TX-NO-CURRENCY", "user-a", "BHD", "7", "0", "90.5", "83.5")
    no_user = Transaction("TX-NO-USER", "user-b", "SAR", "3", "0", "20", "17")
    stream.invocation([("m-1", complete)])
    stream.invocation([("m-2", _without(no_currency.block_message(), "currency"))])
    stream.invocation([("m-3", _without(no_user.block_message(), "userId"))])
    # a block cut by the end of the export, after its amount
    cut = Transaction("TX-CUT", "user-a", "BHD", "4", "0", "83.5", "79.5").block_message()
    request_id = "5e1ab1e0-0000-5000-8000-cccccccccccc"
    stream.platform(f"START RequestId: {request_id} Version: $LATEST")
    stream.app(request_id, "Processing message m-4")
    stream.app(request_id, cut[: cut.index("vat:")].rstrip())
    logs = work / "logs"
    write_log(stream_folder(logs, "incomplete"), stream.text().rstrip("\n").encode())

    database = work / "ledger.duckdb"
    run_loader(database, str(logs))
    dbt_build(database, work)

    with connect_read_only(database) as connection:
        rows = dict(connection.execute("select transaction_id, missing_fields from marts.transactions").fetchall())
        assert set(rows) == {"TX-COMPLETE", "TX-NO-CURRENCY", "TX-NO-USER", "TX-CUT"}
        assert rows["TX-COMPLETE"] is None
        assert "currency" in rows["TX-NO-CURRENCY"].split(", ")
        assert "user_id" in rows["TX-NO-USER"].split(", ")
        assert {"vat", "old_balance", "new_balance"} <= set(rows["TX-CUT"].split(", "))

        # money is grouped by currency, the unknown one apart
        by_currency = dict(
            connection.execute("""
            select currency, sum(amount) from marts.daily_activity group by currency
        """).fetchall()
        )
        assert by_currency[None] == 7
        # the cut block (no VAT) is counted, its partial money left out
        assert by_currency["BHD"] == 10
        assert by_currency["SAR"] == 3

        # a data-quality finding per incomplete block
        findings = {
            row[0]
            for row in connection.execute(
                "select transaction_id from marts.anomalies where anomaly_type = 'missing_field'"
            ).fetchall()
        }
        assert findings == {"TX-NO-CURRENCY", "TX-NO-USER", "TX-CUT"}
