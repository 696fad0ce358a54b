"""Property tests of the parsing (issue 7, item 3): transaction blocks round-trip into marts.transactions.

Hypothesis draws transaction blocks of both layouts with random but valid
values: negative numbers, float noise (``60.181000000000004``), big and small
magnitudes printed in exponent notation as Node does (``1e-7``, ``1.5e+21``),
strings with quotes of every kind (Node then switches to double quotes, to
backticks, or escapes), backslashes and unicode, ``metadata`` undefined or a
JSON string holding nested JSON strings. Each block is written exactly as
Node's ``util.inspect`` prints it, in the CloudWatch export format, into a few
small ``.gz`` files; the loader and ONE ``dbt build`` run over all of them
(dbt costs seconds per call, so examples are collected first and checked
together), then every field of every block must be found in its mart row.

Money columns are fixed-scale decimals (DOMAIN.md asks for at least 6 places),
so a number printed with more decimals than the column keeps must come back
as its exact value rounded half away from zero to that scale; one with no
more decimals than the scale must come back exactly. That holds for exponent
notation too (DuckDB's own cast of '5e-14' gives 1e-12 at scale 12, the
wrong way: the models must not rely on it).
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reliability_helpers import (
    PUBLISHED,
    StreamWriter,
    Transaction,
    connect_read_only,
    dbt_build,
    js_number,
    not_in_sync_message,
    refusal_message,
    remove_work_folder,
    require_dbt,
    run_loader,
    stream_folder,
    write_log,
)

pytestmark = pytest.mark.slow

EXAMPLES = 150  # transaction blocks per run; one load and one dbt build for all of them
MINOR_UNITS = {"BHD": 3, "KWD": 3, "OMR": 3, "SAR": 2, "AED": 2, "QAR": 2}

# ---- strategies -----------------------------------------------------------------------------------

EDGE_STRINGS = [
    "it's",  # a single quote: Node prints "it's"
    'say "hi"',  # double quotes only: stays single-quoted
    "both ' and \" here",  # both kinds: backticks
    "all ' \" ` three",  # all three kinds: single quotes with \' escapes
    "${x} ' \" template",  # both kinds and ${: single quotes with escapes
    "back\\slash",  # a backslash: escaped as \\
    "مرحبا بالعالم",  # Arabic
    "Zoë 😀 ñ",  # accents and an emoji
    "undefined",  # the word, as a string
    "null",
    "  spaced  ",
]

# printable text: every category but surrogates and control characters (see test_control_characters_*)
printable = st.characters(blacklist_categories=("Cs", "Cc"))
free_text = st.one_of(st.text(printable, min_size=1, max_size=24), st.sampled_from(EDGE_STRINGS))

EDGE_NUMBERS = [
    60.181000000000004,
    0.1 + 0.2,
    -0.0,
    0.0,
    1e-7,
    -1.5e-7,
    0.000001,
    1e21,
    -2.5e21,
    5e-14,
    -27.331304347826091,
    11.739130434782608,
    123456789.123,
    -9.999999999999999e20,
    1.7,
]


def noisy(base_cents: int, places: int, noise: float) -> float:
    return base_cents / 10**places + noise


money = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(-(10**9), 10**9).map(float),  # whole amounts
    st.builds(
        noisy, st.integers(-(10**8), 10**8), st.integers(2, 3), st.sampled_from([0.0, 1e-15, -1e-14, 0.1 + 0.2 - 0.3])
    ),  # float noise
    st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False),  # anything plain
    st.floats(1e-12, 1e-6).flatmap(lambda x: st.sampled_from([x, -x])),  # tiny: 1e-7 notation
    st.floats(1e21, 1e22).flatmap(lambda x: st.sampled_from([x, -x])),  # huge: 1e+21 notation
)


@dataclass
class Drawn:
    transaction: Transaction
    message_id: str
    wallet_id: str | None
    delivery_id: str | None
    # what the service logged after the block: "published", "not_in_sync" (published, then the
    # ERROR with both balances) or "refused" (the negative-balance refusal object)
    follow_up: str = "published"

    def follow_up_events(self) -> list[tuple[str, str]]:
        sent = self.transaction
        if self.follow_up == "refused":
            return [("INFO", refusal_message(sent.transaction_id, sent.user_id, sent.old_balance, sent.new_balance))]
        events = [("INFO", PUBLISHED)]
        if self.follow_up == "not_in_sync":
            events.append(("ERROR", not_in_sync_message(sent.user_id, sent.new_balance, sent.payment_balance)))
        return events


@st.composite
def transaction_blocks(draw: st.DrawFn) -> Drawn:
    legacy = draw(st.booleans())
    amount, vat, old = draw(money), draw(money), draw(money)
    transaction_type = draw(st.sampled_from(["CREDIT", "DEBIT"]))
    if draw(st.booleans()):
        # the service's own arithmetic, in doubles as JavaScript does it (noise and all)
        net = amount - vat
        new = old + net if transaction_type == "CREDIT" else old - net
        if abs(new) >= 1e22:
            new = draw(money)
    else:
        new = draw(money)
    wallet_id = delivery_id = None
    metadata = None
    if not legacy and draw(st.booleans()):
        meta: dict[str, Any] = {}
        if draw(st.booleans()):
            wallet_id = meta["walletId"] = "wallet#" + draw(free_text)
        if draw(st.booleans()):
            delivery_id = meta["deliveryId"] = draw(free_text)
        if draw(st.booleans()):  # a JSON string inside the JSON string, as nextPlan/source/addons are
            inner = {"id": draw(free_text), "name": {"ar": draw(free_text), "en": draw(free_text)}, "extras": []}
            meta[draw(st.sampled_from(["nextPlan", "source", "target"]))] = json.dumps(
                inner, separators=(",", ":"), ensure_ascii=False
            )
        if draw(st.booleans()):
            meta["giftMessage"] = draw(free_text)
        metadata = json.dumps(meta, separators=(",", ":"), ensure_ascii=False)
    transaction = Transaction(
        transaction_id=draw(free_text),
        user_id=draw(st.one_of(st.uuids().map(str), free_text)),
        currency=draw(st.sampled_from(sorted(MINOR_UNITS))),
        amount=js_number(amount),
        vat=js_number(vat),
        old_balance=js_number(old),
        new_balance=js_number(new),
        legacy=legacy,
        transaction_type=transaction_type,
        source=draw(free_text),
        action=draw(free_text),
        payment_balance=js_number(draw(money)),
        update_payment_balance=draw(st.booleans()),
        metadata=metadata,
    )
    follow_up = draw(st.sampled_from(["published", "not_in_sync", "refused"]))
    if follow_up == "refused" and not Decimal(transaction.new_balance) < 0:
        follow_up = "published"  # the service refuses only what would go below zero
    if follow_up == "not_in_sync" and (legacy or transaction.payment_balance == transaction.new_balance):
        follow_up = "published"
    return Drawn(transaction, str(draw(st.uuids())), wallet_id, delivery_id, follow_up)


def collect_examples(count: int) -> list[Drawn]:
    drawn: list[Drawn] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(transaction_blocks())
    def collect(example: Drawn) -> None:
        drawn.append(example)

    collect()
    for number, example in enumerate(drawn):  # ids are unique in real logs; keep the drawn text, add a suffix
        example.transaction.transaction_id += f"#{number}"
    return drawn


# ---- checking -------------------------------------------------------------------------------------


def money_matches(got: Decimal | None, text: str) -> bool:
    if got is None:
        return False
    with localcontext() as context:
        context.prec = 80  # money columns hold up to 38 digits
        exact = Decimal(text)
        scale = -got.as_tuple().exponent
        return got == exact.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def is_arithmetic_mismatch(sent: Transaction) -> bool | None:
    """DOMAIN.md section 3 on the exact printed values; None when too close to the threshold to call."""
    with localcontext() as context:
        context.prec = 80
        net = Decimal(sent.amount) - Decimal(sent.vat)
        sign = 1 if sent.transaction_type == "CREDIT" else -1
        difference = abs(Decimal(sent.new_balance) - (Decimal(sent.old_balance) + sign * net))
        half = Decimal(5).scaleb(-MINOR_UNITS[sent.currency] - 1)
        if abs(difference - half) < Decimal("1e-9"):
            return None
        return difference > half


COLUMNS = (
    "transaction_id, user_id, currency, transaction_type, is_type_inferred, layout_version, source, action, "
    "amount, vat, net_amount, old_balance, new_balance, payment_balance, update_payment_balance, "
    "wallet_id, delivery_id, request_id, message_id, logged_at, source_file, is_arithmetic_mismatch, outcome"
)


def differences(example: Drawn, row: dict[str, Any], where: dict[str, Any]) -> list[str]:
    sent = example.transaction
    problems: list[str] = []

    def same(column: str, expected: Any) -> None:
        if row[column] != expected:
            problems.append(f"{column}: expected {expected!r}, got {row[column]!r}")

    same("user_id", sent.user_id)
    same("currency", sent.currency)
    same("layout_version", "legacy" if sent.legacy else "current")
    same("is_type_inferred", sent.legacy)
    same("request_id", where["request_id"])
    same("message_id", example.message_id)
    same("logged_at", where["logged_at"])
    same("source_file", where["source_file"])
    for column, text in (
        ("amount", sent.amount),
        ("vat", sent.vat),
        ("old_balance", sent.old_balance),
        ("new_balance", sent.new_balance),
    ):
        if not money_matches(row[column], text):
            problems.append(f"{column}: printed {text}, got {row[column]!r}")
    with localcontext() as context:
        context.prec = 80
        if row["amount"] is not None and row["vat"] is not None and row["net_amount"] != row["amount"] - row["vat"]:
            problems.append(f"net_amount {row['net_amount']!r} != amount - vat")
    if sent.legacy:
        for column in ("source", "action", "payment_balance", "wallet_id", "delivery_id"):
            same(column, None)
    else:
        same("transaction_type", sent.transaction_type)
        same("source", sent.source)
        same("action", sent.action)
        same("update_payment_balance", sent.update_payment_balance)
        if not money_matches(row["payment_balance"], sent.payment_balance):
            problems.append(f"payment_balance: printed {sent.payment_balance}, got {row['payment_balance']!r}")
        same("wallet_id", example.wallet_id)
        same("delivery_id", example.delivery_id)
        mismatch = is_arithmetic_mismatch(sent)
        if mismatch is not None:
            same("is_arithmetic_mismatch", mismatch)
    return problems


def explicit_examples() -> list[Drawn]:
    """Cases every run must hold, whatever hypothesis draws: each quoting rule, exponents, nested JSON."""
    nested = json.dumps(
        {
            "walletId": 'wallet#it\'s "quoted"',
            "deliveryId": "d-`tick`-${x}",
            "nextPlan": json.dumps({"id": "p'1", "foodType": ["lunch", "snack"]}, separators=(",", ":")),
            "source": json.dumps({"name": {"ar": "وجبة", "en": 'Meal "A"'}}, ensure_ascii=False, separators=(",", ":")),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    plain = json.dumps({"walletId": "wallet#plain", "deliveryId": "d-1"}, separators=(",", ":"))
    backticks = json.dumps(
        {"walletId": "wallet#o'neil", "giftMessage": "Happy day, amount: 500"}, separators=(",", ":")
    )
    return [
        Drawn(
            Transaction(
                "explicit-nested",
                "user-\u00e9",
                "BHD",
                "60.181000000000004",
                "7.849695652173913",
                "25",
                "-27.331304347826091",
                payment_balance="-27.331304347826091",
                source="MANUAL_DEDUCTION",
                action="it's ok",
                metadata=nested,
            ),
            "b5c1a0de-0000-4000-8000-000000000001",
            'wallet#it\'s "quoted"',
            "d-`tick`-${x}",
            "refused",
        ),
        Drawn(
            Transaction(
                "explicit-plain",
                "u-1",
                "KWD",
                "1e-7",
                "0",
                "1e+21",
                "1.5e+21",
                transaction_type="CREDIT",
                source='say "hi"',
                action="all ' \" ` three",
                payment_balance="-0",
                metadata=plain,
            ),
            "b5c1a0de-0000-4000-8000-000000000002",
            "wallet#plain",
            "d-1",
        ),
        Drawn(
            Transaction(
                "explicit-backticks",
                "u-2",
                "SAR",
                "0.30000000000000004",
                "5e-14",
                "-1.5e-7",
                "-0.3",
                source="both ' and \"",
                action="back\\slash",
                update_payment_balance=False,
                payment_balance="123456789.123",
                metadata=backticks,
            ),
            "b5c1a0de-0000-4000-8000-000000000003",
            "wallet#o'neil",
            None,
            "not_in_sync",
        ),
        Drawn(
            Transaction("explicit-legacy", "u-3", "OMR", "9", "0.45", "34", "25.45", legacy=True),
            "b5c1a0de-0000-4000-8000-000000000004",
            None,
            None,
        ),
        Drawn(
            Transaction("explicit-undefined", "u-4", "AED", "-9", "0", "34", "25", metadata=None),
            "b5c1a0de-0000-4000-8000-000000000005",
            None,
            None,
        ),
        # the same user starting twice from (nearly) the same balance: 50.000001 is within half a minor
        # unit of 50, so it is a reused old balance, with an old balance that differs below a minor unit
        Drawn(
            Transaction("explicit-reuse-1", "u-reuse", "SAR", "9", "0", "50", "41", metadata=None),
            "b5c1a0de-0000-4000-8000-000000000006",
            None,
            None,
        ),
        Drawn(
            Transaction("explicit-reuse-2", "u-reuse", "SAR", "9", "0", "50.000001", "41.000001", metadata=None),
            "b5c1a0de-0000-4000-8000-000000000007",
            None,
            None,
        ),
    ]


# Strings holding control characters: util.inspect prints them as escapes
# ('\n', '\t', '\x1B', '\x85'); the marts must hold the characters themselves.
CONTROL_EXAMPLES = [
    Drawn(
        Transaction("control-newline", "u-ctl", "BHD", "9", "0", "34", "25", source="line\nbreak", action="tab\there"),
        "b5c1a0de-0000-4000-8000-0000000000c1",
        None,
        None,
    ),
    Drawn(
        Transaction(
            "control-escape\x1b[0m", "u-ctl\x85", "BHD", "9", "0", "25", "16", source="bell\x07\x7f", action="cr\rlf"
        ),
        "b5c1a0de-0000-4000-8000-0000000000c2",
        None,
        None,
    ),
]


@dataclass
class Built:
    examples: list[Drawn]
    rows: dict[str, dict[str, Any]]
    sync_mismatches: dict[str, list[dict[str, Any]]]
    overdrafts: dict[str, dict[str, Any]]
    placement: dict[str, dict[str, Any]]
    build_returncode: int
    build_output: str


@pytest.fixture(scope="module")
def built() -> Iterator[Built]:
    """All examples written as invocations of 1-4 batch items in a few export files, loaded, built once."""
    require_dbt()
    work = Path(tempfile.mkdtemp(prefix="reliability_properties_"))
    try:
        examples = explicit_examples() + collect_examples(EXAMPLES) + CONTROL_EXAMPLES
        root = work / "logs" / "balance-sync-logs"
        placement: dict[str, dict[str, Any]] = {}
        batch_sizes = random.Random(len(examples))
        for file_number, start in enumerate(range(0, len(examples), 40)):
            chunk = examples[start : start + 40]
            stream = StreamWriter(clock=datetime(2024, 3, 1 + file_number, 8, 0, tzinfo=UTC))
            path = stream_folder(root, f"{file_number:032x}")
            source_file = path.relative_to(root.parent).as_posix()
            position = 0
            while position < len(chunk):
                batch = chunk[position : position + batch_sizes.randint(1, 4)]
                position += len(batch)
                before = len(stream.events)
                request_id = stream.invocation(
                    [(example.message_id, example.transaction, example.follow_up_events()) for example in batch]
                )
                block_events = [event for event in stream.events[before:] if "\tStart syncing the balance {" in event]
                for example, event in zip(batch, block_events, strict=True):
                    placement[example.transaction.transaction_id] = {
                        "request_id": request_id,
                        "source_file": source_file,
                        "logged_at": datetime.strptime(event[:23], "%Y-%m-%dT%H:%M:%S.%f"),
                    }
            write_log(path, stream.text().encode())

        database = work / "properties.duckdb"
        run_loader(database, str(root))
        build = dbt_build(database, work, check=False)
        names = COLUMNS.split(", ")
        with connect_read_only(database) as db:
            rows = {
                row[0]: dict(zip(names, row))
                for row in db.execute(f"select {COLUMNS} from marts.transactions").fetchall()
            }
            sync_mismatches: dict[str, list[dict[str, Any]]] = {}
            cursor = db.execute("select * from marts.sync_mismatches")
            sync_names = [column[0] for column in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(sync_names, values))
                sync_mismatches.setdefault(row["transaction_id"], []).append(row)
            cursor = db.execute("select * from marts.overdrafts")
            overdraft_names = [column[0] for column in cursor.description]
            overdrafts = {
                values[overdraft_names.index("transaction_id")]: dict(zip(overdraft_names, values))
                for values in cursor.fetchall()
            }
        yield Built(examples, rows, sync_mismatches, overdrafts, placement, build.returncode, build.stdout)
    finally:
        remove_work_folder(work)


def check(built: Built, examples: list[Drawn]) -> None:
    problems = []
    for example in examples:
        sent = example.transaction
        row = built.rows.get(sent.transaction_id)
        found = (
            ["transaction not in marts.transactions"]
            if row is None
            else differences(example, row, built.placement[sent.transaction_id])
        )
        if found:
            problems.append(f"--- block:\n{sent.block_message()}\n--- problems: " + "; ".join(found))
    assert not problems, f"{len(problems)} of {len(examples)} blocks did not round-trip:\n" + "\n".join(problems[:8])


def test_the_examples_cover_every_printing_rule(built: Built) -> None:
    """The batch really holds each case the parsing must handle (so a pass means something)."""
    texts = "\n".join(example.transaction.block_message() for example in built.examples)
    for needle in (
        "e-7",
        "e+21",
        "0.30000000000000004",
        "`",
        "\\'",
        '\\\\"',
        "metadata: undefined",
        "updatePaymentBalance: false",
        "-0,",
        "وجبة",
    ):
        assert needle in texts, f"no example prints {needle!r}"
    assert sum(example.transaction.legacy for example in built.examples) >= 5
    assert len(built.examples) >= EXAMPLES // 2, f"hypothesis produced only {len(built.examples)} examples"


def test_transaction_blocks_round_trip_into_the_marts(built: Built) -> None:
    printable_examples = [example for example in built.examples if example not in CONTROL_EXAMPLES]
    check(built, printable_examples)
    assert len(built.rows) == len(built.examples), (
        f"{len(built.examples)} blocks written, {len(built.rows)} rows in marts.transactions"
    )


def test_dbt_build_passes_on_valid_blocks(built: Built) -> None:
    """Every model, contract and data test of the project holds on valid (if unusual) transaction blocks."""
    failures = "\n".join(line for line in built.build_output.splitlines() if re.search(r"\b(FAIL|ERROR)\b", line))
    assert built.build_returncode == 0, (
        f"dbt build failed on valid transaction blocks:\n{failures}\n{built.build_output[-2500:]}"
    )


def test_control_characters_in_strings_are_unescaped(built: Built) -> None:
    """util.inspect escapes control characters ('\\n', '\\t', '\\x1B'); the parsed text must hold the characters.

    Not in the real sample's values, but the staging of any string field goes
    through the same decoder, so a wrong decoding would silently change ids.
    """
    check(built, CONTROL_EXAMPLES)


def test_sync_mismatches_and_refusals_round_trip_and_link_to_their_block(built: Built) -> None:
    """The "not in sync" ERROR and the negative-balance refusal after a block: exact values, linked to the block."""
    problems = []
    followed = [example for example in built.examples if example not in CONTROL_EXAMPLES]
    for example in followed:
        sent, row = example.transaction, built.rows.get(example.transaction.transaction_id)
        if row is None:
            continue  # reported by test_transaction_blocks_round_trip_into_the_marts
        found: list[str] = []
        outcome = "blocked_negative_balance" if example.follow_up == "refused" else "published"
        if row.get("outcome", outcome) != outcome:
            found.append(f"outcome {row.get('outcome')!r}, expected {outcome!r}")
        mismatches = built.sync_mismatches.get(sent.transaction_id, [])
        if example.follow_up == "not_in_sync":
            if len(mismatches) != 1:
                found.append(f"{len(mismatches)} linked rows in marts.sync_mismatches, expected 1")
            else:
                (mismatch,) = mismatches
                if (mismatch["user_id"], mismatch["currency"]) != (sent.user_id, sent.currency):
                    found.append(f"sync mismatch user/currency {mismatch['user_id']!r}/{mismatch['currency']!r}")
                if not money_matches(mismatch["subscription_balance"], sent.new_balance):
                    found.append(
                        f"subscription_balance: printed {sent.new_balance}, got {mismatch['subscription_balance']!r}"
                    )
                if not money_matches(mismatch["payment_balance"], sent.payment_balance):
                    found.append(
                        f"payment_balance: printed {sent.payment_balance}, got {mismatch['payment_balance']!r}"
                    )
                with localcontext() as context:
                    context.prec = 80
                    if (
                        None not in (mismatch["subscription_balance"], mismatch["payment_balance"])
                        and mismatch["difference"] != mismatch["subscription_balance"] - mismatch["payment_balance"]
                    ):
                        found.append(f"difference {mismatch['difference']!r} != subscription - payment balance")
        elif mismatches:
            found.append(f"{len(mismatches)} sync mismatches linked to a block without a 'not in sync' ERROR")
        overdraft = built.overdrafts.get(sent.transaction_id)
        would_overdraw = row["new_balance"] is not None and row["new_balance"] < 0
        if example.follow_up == "refused" or would_overdraw:
            if overdraft is None:
                found.append("no row in marts.overdrafts")
            else:
                if overdraft["was_blocked"] != (example.follow_up == "refused"):
                    found.append(f"was_blocked {overdraft['was_blocked']!r}")
                if (overdraft["user_id"], overdraft["currency"]) != (sent.user_id, sent.currency):
                    found.append(f"overdraft user/currency {overdraft['user_id']!r}/{overdraft['currency']!r}")
                if (overdraft["balance_before"], overdraft["balance_after"]) != (
                    row["old_balance"],
                    row["new_balance"],
                ):
                    found.append(
                        f"overdraft balances {overdraft['balance_before']!r} -> {overdraft['balance_after']!r}"
                    )
        elif overdraft is not None:
            found.append("an overdraft for a block that neither went below zero nor was refused")
        if found:
            problems.append(
                f"--- {example.follow_up} block:\n{sent.block_message()}\n--- problems: " + "; ".join(found)
            )
    kinds = {example.follow_up for example in followed}
    assert kinds == {"published", "not_in_sync", "refused"}, kinds
    assert not problems, f"{len(problems)} of {len(followed)} blocks:\n" + "\n".join(problems[:8])
