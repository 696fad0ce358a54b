"""Build one log stream (= one exported file) of a shard, event by event, and record what was written.

A shard owns a set of users (their balance chains never leave the shard) and writes its streams one
after another in time. Every emit helper appends one event ``(epoch_ms, text)`` and counts it in the
shard's ``ShardTruth`` under a kind name (see ``KINDS`` in ``output``), so the answer key is the
record of the writing itself, not a re-parse.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import catalog as cat
from .nodefmt import hex_string, js_number, js_string, request_uuid, ulid, uuid4
from .truth import RefusalRecord, ShardTruth, TransactionRecord

DAY_MS = 86_400_000
LEGACY_UNTIL_MS = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)

# Rare things every shard writes at least once (so every message kind exists at any scale).
FORCED_ITEMS = (
    "blocked",
    "published_negative",
    "refusal_no_block",
    "failed_block",
    "error_no_block",
    "unknown_outcome",
    "already_synced",
    "already_synced_old",
    "skip_create",
    "skip_create_web",
    "skip_flag",
    "lock",
    "slack",
    "dump_transaction",
    "dump_record",
    "dump_record_body",
    "unknown_app",
    "arith_mismatch",
    "duplicate",
    "metadata_undefined",
    "backtick_metadata",
    "invoke_error",
)


def _without_noise_at_zero(balance: float) -> float:
    """0.0 for float noise around zero (``0.1 + 0.2 - 0.3`` is 5.6e-17).

    Node would log such a balance as ``-1.7763568394002505e-15``: below zero
    as printed, zero as money (the pipeline keeps 12 decimals), so an answer
    key could not say whether it is an overdraft. No amount is that small.
    """
    return 0.0 if abs(balance) < 1e-9 else balance


@dataclass
class User:
    user_id: str
    currency: cat.Currency
    balance: float
    payment_offset: float
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass
class Rates:
    """Per batch-item probabilities (the rest are ordinary transactions)."""

    skip_create: float = 0.033
    skip_create_web: float = 0.001
    skip_flag: float = 0.021
    refusal_no_block: float = 0.0004
    error_no_block: float = 0.002
    unknown_app: float = 0.001
    already_synced: float = 0.015
    unknown_outcome: float = 0.002
    failed_block: float = 0.001
    arith_mismatch: float = 0.0005
    continuity_gap: float = 0.09
    duplicate: float = 0.002
    lock: float = 0.004
    dump: float = 0.0006
    slack: float = 0.03  # of sync mismatches
    metadata_undefined: float = 0.001
    drift_start: float = 0.03
    drift_end: float = 0.08
    refuse_negative: float = 0.85
    invoke_error: float = 0.0006
    failed_init_stream: float = 0.012
    shuffle_file: float = 0.33
    xray: float = 0.1


@dataclass
class ShardState:
    rng: random.Random
    users: list[User]
    cum_weights: list[float]
    truth: ShardTruth
    rates: Rates
    owed: list[str] = field(default_factory=list)
    runtime_arns: dict[str, str] = field(default_factory=dict)

    def pick_user(self) -> User:
        return self.rng.choices(self.users, cum_weights=self.cum_weights)[0]


def make_users(rng: random.Random, count: int) -> tuple[list[User], list[float]]:
    users: list[User] = []
    codes = [c for c in cat.CURRENCIES]
    weights = [c.weight for c in codes]
    for index in range(count):
        # the first users of a shard cover every currency; the rest follow the real mix
        currency = codes[index] if index < len(codes) else rng.choices(codes, weights=weights)[0]
        first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
        handle = f"user{rng.getrandbits(24):07d}"
        users.append(
            User(
                user_id=uuid4(rng),
                currency=currency,
                balance=round(currency.meal_price * rng.choice((2, 5, 10, 20, 40, 60, 150)), currency.minor_units),
                payment_offset=0.0,
                first_name=first,
                last_name=last,
                email=f"{handle}@example.com",
                phone=f"+9733{rng.randrange(10**6, 10**7)}",
            )
        )
    cumulative: list[float] = []
    total = 0.0
    for _ in users:
        total += rng.paretovariate(1.3)
        cumulative.append(total)
    return users, cumulative


class TimestampFormatter:
    """Fast ``YYYY-MM-DDTHH:MM:SS.mmmZ`` for epoch milliseconds (caches the date part)."""

    def __init__(self) -> None:
        self._day = -1
        self._prefix = ""

    def __call__(self, ms: int) -> str:
        day, rest = divmod(ms, DAY_MS)
        if day != self._day:
            self._day = day
            self._prefix = datetime.fromtimestamp(day * 86400, tz=UTC).strftime("%Y-%m-%dT")
        seconds, millis = divmod(rest, 1000)
        hours, seconds = divmod(seconds, 3600)
        minutes, seconds = divmod(seconds, 60)
        return f"{self._prefix}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"


class StreamBuilder:
    """Writes the events of one stream into ``events``; ``t`` is the stream's clock (epoch ms)."""

    def __init__(self, shard: ShardState, start_ms: int, end_ms: int) -> None:
        self.shard = shard
        self.rng = shard.rng
        self.truth = shard.truth
        self.count = shard.truth.counters
        self.rates = shard.rates
        self.t = start_ms
        self.end_ms = end_ms
        self.events: list[tuple[int, str]] = []
        self.ts = TimestampFormatter()
        self.rid = ""
        self.message_id = ""

    # ---- low-level emitters -------------------------------------------------------------------
    def _tick(self, low: int = 1, high: int = 40) -> int:
        self.t += self.rng.randint(low, high)
        return self.t

    def _event(self, kind: str, text: str) -> None:
        self.events.append((self.t, text))
        self.count[f"kind:{kind}"] += 1

    def _app(self, kind: str, level: str, message: str, request_id: str | None = None) -> None:
        stamp = self.ts(self.t)
        rid = self.rid if request_id is None else request_id
        self.events.append((self.t, f"{stamp} {stamp}\t{rid}\t{level}\t{message}"))
        self.count[f"kind:{kind}"] += 1
        self.count[f"level:{level}"] += 1

    def _metric(self, name: str, extra: dict[str, str]) -> None:
        body = {
            "_aws": {
                "Timestamp": self.t,
                "CloudWatchMetrics": [
                    {
                        "Namespace": "apiService",
                        "Dimensions": [["service"]],
                        "Metrics": [{"Name": name, "Unit": "Count"}],
                    }
                ],
            },
            "service": "syncBalanceSQS",
            name: 1,
            **extra,
        }
        self._event("metric", f"{self.ts(self.t)} {json.dumps(body, separators=(',', ':'), ensure_ascii=False)}")

    # ---- platform lines -----------------------------------------------------------------------
    def init_start(self) -> None:
        runtime = self.rng.choice(cat.RUNTIMES)
        arn = self.shard.runtime_arns.setdefault(runtime, hex_string(self.rng, 64))
        self._event(
            "init_start",
            f"{self.ts(self.t)} INIT_START Runtime Version: {runtime}\tRuntime Version ARN: "
            f"arn:aws:lambda:us-east-1::runtime:{arn}",
        )

    def start(self) -> None:
        self.rid = request_uuid(self.rng)
        self._event("start", f"{self.ts(self.t)} START RequestId: {self.rid} Version: $LATEST")

    def end_and_report(self, started_ms: int, init_ms: float | None, memory_mb: int = 1024) -> None:
        self._tick(0, 40)
        stamp = self.ts(self.t)
        self._event("end", f"{stamp} END RequestId: {self.rid}")
        duration = (self.t - started_ms) + self.rng.randint(0, 99) / 100 + 0.01
        text = (
            f"{stamp} REPORT RequestId: {self.rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
            f"{math.ceil(duration)} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: "
            f"{self.rng.randint(90, 160) if memory_mb == 1024 else self.rng.randint(38, 45)} MB\t"
        )
        if init_ms is not None:
            text += f"Init Duration: {init_ms:.2f} ms\t"
        if self.rng.random() < self.rates.xray:
            text += (
                f"\nXRAY TraceId: 1-{(self.t // 1000):08x}-{hex_string(self.rng, 24)}\tSegmentId: "
                f"{hex_string(self.rng, 16)}\tSampled: true\t"
            )
            self.count["xray_lines"] += 1
        self._event("report", text)

    # ---- streams ------------------------------------------------------------------------------
    def failed_init_stream(self) -> None:
        """A sandbox whose init keeps crashing: Uncaught Exception under RequestId ``undefined``."""
        self.init_start()
        for attempt in range(self.rng.randint(2, 4)):
            self._tick(250, 800)
            self._app("uncaught_exception", "ERROR", cat.UNCAUGHT_EXCEPTION, request_id="undefined")
            init_ms = self.rng.uniform(300, 800)
            self._tick(20, 120)
            phase = "init" if attempt == 0 else "invoke"
            self._event(
                "init_report",
                f"{self.ts(self.t)} INIT_REPORT Init Duration: {init_ms:.2f} ms\tPhase: "
                f"{phase}\tStatus: error\tError Type: Runtime.ExitError",
            )
            if phase == "invoke":
                started = self.t
                self.start()
                self._tick(0, 2)
                self._event("other", f"{self.ts(self.t)} {cat.MSG_UNKNOWN_RUNTIME}")
                self.count["other_non_application"] += 1
                self.end_and_report(started - int(init_ms), None, memory_mb=512)
            self._tick(2000, 9000)

    def normal_stream(self, invocations: int, flush_owed: bool) -> None:
        self.init_start()
        init_ms = self.rng.uniform(650, 1300)
        self._tick(int(init_ms), int(init_ms) + 5)
        for index in range(invocations):
            if index and not self._advance_to_next_invocation():
                break
            self.invocation(init_ms if index == 0 else None)
        if flush_owed:
            while self.shard.owed:
                self.t += 1000
                self.invocation(None, forced_only=True)

    def _advance_to_next_invocation(self) -> bool:
        gap = int(self.rng.expovariate(1 / 45_000)) + 500
        if self.t + gap + 5_000 > self.end_ms:
            return False
        self.t += gap
        return True

    def invocation(self, init_ms: float | None, forced_only: bool = False) -> None:
        started = self.t
        self.start()
        owed = self.shard.owed
        if (forced_only and "invoke_error" in owed) or (
            not forced_only and self.rng.random() < self.rates.invoke_error
        ):
            if "invoke_error" in owed:
                owed.remove("invoke_error")
            self._tick(100, 260)
            self._app("invoke_error", "ERROR", cat.INVOKE_ERROR)
            self.end_and_report(started, init_ms)
            return
        self._tick(3, 150)
        items: list[str] = []
        if forced_only:
            while owed and len(items) < 10:
                items.append(owed.pop())
        else:
            size = self.rng.choices(range(1, 11), weights=(55, 18, 8, 5, 4, 3, 2, 2, 1, 2))[0]
            for _ in range(size):
                # owed[0] is "invoke_error" (an invocation, not an item) until it is paid
                if owed and owed[-1] != "invoke_error" and self.rng.random() < 0.04:
                    items.append(owed.pop())
                else:
                    items.append("")
        for forced in items:
            self.batch_item(forced)
            self._tick(2, 30)
        self.end_and_report(started, init_ms)

    # ---- batch items --------------------------------------------------------------------------
    def batch_item(self, forced: str) -> None:
        self.message_id = uuid4(self.rng)
        self._app("processing_message", "INFO", cat.MSG_PROCESSING + self.message_id)
        self._tick(0, 10)
        r = self.rates
        kind = forced
        if not kind:
            roll = self.rng.random()
            for name in (
                "skip_create",
                "skip_flag",
                "error_no_block",
                "skip_create_web",
                "unknown_app",
                "refusal_no_block",
            ):
                rate = getattr(r, name)
                if roll < rate:
                    kind = name
                    break
                roll -= rate
        if kind == "skip_create":
            self._app("skipped_create_subscription", "INFO", cat.MSG_SKIP_CREATE)
        elif kind == "skip_create_web":
            self._app("skipped_create_subscription", "INFO", cat.MSG_SKIP_CREATE_WEB)
        elif kind == "skip_flag":
            action = self.rng.choice(cat.FLAG_FALSE_ACTIONS)
            self._app(
                "skipped_update_payment_balance_false",
                "INFO",
                f"{cat.MSG_FLAG_FALSE}{{ transactionAction: '{action}' }}",
            )
        elif kind == "error_no_block":
            self._sync_error()
        elif kind == "unknown_app":
            level, message = self.rng.choice(cat.UNKNOWN_APP_MESSAGES)
            self._app("other", level, message)
        elif kind == "refusal_no_block":
            self._refusal_without_block()
        else:
            self.transaction(kind)

    def _sync_error(self) -> None:
        self._app("sync_error", "ERROR", "\n".join((cat.MSG_SYNC_ERROR, *cat.SYNC_ERROR_STACK)))
        self._tick(100, 200)
        self._metric("synBalanceError", {})

    def _refusal_without_block(self) -> None:
        user = self.shard.pick_user()
        transaction_id = ulid(self.rng, self.t - self.rng.randint(500, 5000))
        self._metric("negativeBalance", {"userId": user.user_id, "action": "DELIVERY_DEDUCTION"})
        self._tick(0, 2)
        self._app(
            "negative_balance_refusal",
            "INFO",
            "\n".join(
                (
                    "{",
                    f"  message: '{cat.MSG_NEGATIVE}',",
                    "  data: {",
                    f"    userId: '{user.user_id}',",
                    f"    currentBalance: {js_number(user.balance)},",
                    f"    transactionId: '{transaction_id}'",
                    "  }",
                    "}",
                )
            ),
        )
        self.truth.refusals.append(RefusalRecord(transaction_id, user.user_id, False, False))

    # ---- transactions -------------------------------------------------------------------------
    def _amount(self, currency: cat.Currency, source: str, action: str) -> tuple[float, float]:
        """(amount, vat), VAT-inclusive, sometimes with float noise in the VAT."""
        rng, places = self.rng, currency.minor_units
        price = currency.meal_price
        if action == "DELIVERY_DEDUCTION":
            amount = rng.choice(
                (
                    price,
                    price,
                    price,
                    price * 0.5,
                    price * 1.25,
                    round(price / 1.1, places),
                    round(price * 0.85, places),
                )
            )
            return amount, 0.0
        if source != "PAYMENT":
            return round(price * rng.uniform(0.2, 6), places), 0.0
        net = price * rng.choice((1, 2, 5, 10, 20, 22, 26, 26, 30)) * rng.choice((1, 1, 1, 0.9, 0.85))
        net = round(net, places)
        if currency.vat_rate == 0:
            return net, 0.0
        gross = round(net * (1 + currency.vat_rate), places)
        if rng.random() < 0.15:
            vat = gross * currency.vat_rate / (1 + currency.vat_rate)  # unrounded: float-noisy VAT
        else:
            vat = round(gross - net, places)
        return gross, vat

    def transaction(self, forced: str) -> None:
        rng, r = self.rng, self.rates
        user = self.shard.pick_user()
        currency = user.currency
        if forced in ("blocked", "published_negative"):
            transaction_type = "DEBIT"
        elif user.balance < currency.meal_price * 2:
            transaction_type = "CREDIT" if rng.random() < 0.93 else "DEBIT"
        else:
            transaction_type = "DEBIT" if rng.random() < 0.86 else "CREDIT"
        table = cat.DEBIT_ACTIONS if transaction_type == "DEBIT" else cat.CREDIT_ACTIONS
        source, action, _ = rng.choices(table, weights=[w for *_, w in table])[0]
        amount, vat = self._amount(currency, source, action)
        if forced != "duplicate" and rng.random() < r.continuity_gap:
            # A movement this service never logged: the next old balance jumps (a continuity break).
            jump = round(currency.meal_price * rng.uniform(0.5, 4), currency.minor_units)
            user.balance = _without_noise_at_zero(
                user.balance + (jump if user.balance < jump * 3 or rng.random() < 0.5 else -jump)
            )
        if forced in ("blocked", "published_negative") and amount - vat <= user.balance:
            amount, vat = (
                round(max(user.balance, 0) + currency.meal_price * rng.uniform(0.3, 3), currency.minor_units),
                0.0,
            )
        old = user.balance
        net = amount - vat
        new = old + net if transaction_type == "CREDIT" else old - net
        if forced == "arith_mismatch" or (not forced and rng.random() < r.arith_mismatch):
            new = new + rng.choice((-1, 1)) * round(currency.meal_price * rng.uniform(0.3, 2), currency.minor_units)
        new = _without_noise_at_zero(new)
        legacy = (
            self.t < LEGACY_UNTIL_MS
            and rng.random() < 0.9
            and forced not in ("metadata_undefined", "backtick_metadata", "slack")
        )
        # Outcome.
        if new < 0 and (forced == "blocked" or (not forced and rng.random() < r.refuse_negative)):
            outcome = "blocked_negative_balance"
        elif forced == "failed_block" or (not forced and rng.random() < r.failed_block):
            outcome = "failed"
        elif forced in ("already_synced", "already_synced_old") or (not forced and rng.random() < r.already_synced):
            outcome = "already_synced"
        elif forced == "unknown_outcome" or (not forced and rng.random() < r.unknown_outcome):
            outcome = "unknown"
        else:
            outcome = "published"
        # Payment balance (the other ledger); drifts apart now and then.
        if user.payment_offset == 0 and rng.random() < r.drift_start:
            user.payment_offset = (
                net if rng.random() < 0.6 else round(currency.meal_price * rng.uniform(0.5, 5), currency.minor_units)
            )
        elif user.payment_offset != 0 and rng.random() < r.drift_end:
            user.payment_offset = 0.0
        if forced == "slack" and user.payment_offset == 0:
            user.payment_offset = currency.meal_price  # a slack alert needs a discrepancy to report
        payment = new if outcome == "blocked_negative_balance" else _without_noise_at_zero(new - user.payment_offset)
        new_text, payment_text = js_number(new), js_number(payment)
        sync_mismatch = outcome == "published" and not legacy and payment_text != new_text
        transaction_id = ulid(rng, self.t - rng.randint(200, 30_000))

        if forced.startswith("dump_") or (not forced and rng.random() < r.dump):
            self._debug_dump(
                forced or rng.choice(("dump_transaction", "dump_record", "dump_record_body")),
                user,
                transaction_id,
                transaction_type,
                source,
                action,
                amount,
                vat,
                old,
            )
        self._tick(1, 60)
        block = self._block(
            user,
            transaction_id,
            legacy,
            transaction_type,
            source,
            action,
            payment_text,
            amount,
            vat,
            old,
            new_text,
            forced,
        )
        self._app("transaction_block", "INFO", block)
        self.truth.transactions.append(
            TransactionRecord(
                transaction_id=transaction_id,
                user_id=user.user_id,
                currency=currency.code,
                logged_ms=self.t,
                transaction_type=None if legacy else transaction_type,
                action=None if legacy else action,
                amount=js_number(amount),
                vat=js_number(vat),
                old_balance=js_number(old),
                new_balance=new_text,
                payment_balance=None if legacy else payment_text,
                outcome=outcome,
                has_sync_mismatch=sync_mismatch,
            )
        )
        self._tick(1, 80)
        if outcome == "blocked_negative_balance":
            if rng.random() < 0.5:
                self._metric("negativeBalance", {"userId": user.user_id, "action": action})
                self._tick(0, 2)
            self._app(
                "negative_balance_refusal",
                "INFO",
                "\n".join(
                    (
                        "{",
                        f"  message: '{cat.MSG_NEGATIVE}',",
                        "  data: {",
                        f"    transactionId: '{transaction_id}',",
                        f"    userId: '{user.user_id}',",
                        f"    currentBalance: {js_number(old)},",
                        f"    newBalance: {new_text}",
                        "  }",
                        "}",
                    )
                ),
            )
            self.truth.refusals.append(RefusalRecord(transaction_id, user.user_id, True, True))
            return  # balance unchanged
        if outcome == "failed":
            self._sync_error()
            return  # balance unchanged
        if outcome == "already_synced":
            old_wording = forced == "already_synced_old" or (legacy and rng.random() < 0.3)
            self._app("already_synced", "INFO", cat.MSG_ALREADY_SYNCED_OLD if old_wording else cat.MSG_ALREADY_SYNCED)
        elif outcome == "published":
            if forced == "lock" or (not forced and rng.random() < r.lock):
                self._lock(user)
                self._tick(10, 60)
            self._app("balance_update_published", "INFO", cat.MSG_PUBLISHED)
            if sync_mismatch:
                self._tick(5, 60)
                self._app(
                    "sync_mismatch",
                    "ERROR",
                    "\n".join(
                        (
                            cat.MSG_NOT_IN_SYNC + "{",
                            f"  userId: '{user.user_id}',",
                            f"  subscriptionBalance: {new_text},",
                            f"  paymentBalance: {payment_text}",
                            "}",
                        )
                    ),
                )
                self.truth.sync_mismatch_users.add(user.user_id)
                if forced == "slack" or (not forced and rng.random() < r.slack):
                    self._slack(user, action)
            elif forced == "slack":
                self._slack(user, action)
        user.balance = new
        if forced == "duplicate" or (not forced and rng.random() < r.duplicate):
            # The same movement delivered again under a new id (retry / double entry).
            self._tick(2, 30)
            self._app("processing_message", "INFO", cat.MSG_PROCESSING + uuid4(rng))
            self._tick(1, 20)
            duplicate_id = ulid(rng, self.t - rng.randint(200, 30_000))
            self._app(
                "transaction_block",
                "INFO",
                self._block(
                    user,
                    duplicate_id,
                    legacy,
                    transaction_type,
                    source,
                    action,
                    payment_text,
                    amount,
                    vat,
                    old,
                    new_text,
                    "",
                ),
            )
            self.truth.transactions.append(
                TransactionRecord(
                    transaction_id=duplicate_id,
                    user_id=user.user_id,
                    currency=currency.code,
                    logged_ms=self.t,
                    transaction_type=None if legacy else transaction_type,
                    action=None if legacy else action,
                    amount=js_number(amount),
                    vat=js_number(vat),
                    old_balance=js_number(old),
                    new_balance=new_text,
                    payment_balance=None if legacy else payment_text,
                    outcome="already_synced",
                    has_sync_mismatch=False,
                )
            )
            self._tick(1, 20)
            self._app("already_synced", "INFO", cat.MSG_ALREADY_SYNCED)

    def _block(
        self,
        user: User,
        transaction_id: str,
        legacy: bool,
        transaction_type: str,
        source: str,
        action: str,
        payment_text: str,
        amount: float,
        vat: float,
        old: float,
        new_text: str,
        forced: str,
    ) -> str:
        head = [cat.MSG_START_SYNC + "{", "  transaction: {", f"    id: '{transaction_id}',"]
        if legacy:
            body = [f"    userId: '{user.user_id}',"]
        else:
            body = [
                f"    type: '{transaction_type}',",
                f"    source: '{source}',",
                f"    action: '{action}',",
                f"    userId: '{user.user_id}',",
                f"    paymentBalance: {payment_text},",
                "    updatePaymentBalance: true,",
                f"    metadata: {self._metadata(user, action, forced)},",
            ]
        tail = [
            f"    currency: '{user.currency.code}',",
            f"    amount: {js_number(amount)},",
            f"    vat: {js_number(vat)},",
            f"    oldBalance: {js_number(old)},",
            f"    newBalance: {new_text}",
            "  }",
            "}",
        ]
        return "\n".join(head + body + tail)

    def _metadata(self, user: User, action: str, forced: str) -> str:
        rng = self.rng
        if forced == "metadata_undefined" or (not forced and rng.random() < self.rates.metadata_undefined):
            return "undefined"
        meta: dict[str, object] = {"walletId": f"wallet#{user.user_id}"}
        if action == "DELIVERY_DEDUCTION":
            meta["deliveryId"] = uuid4(rng)
        if action != "DELIVERY_DEDUCTION" or rng.random() < 0.2:
            meta["eventSessionId"] = uuid4(rng)
        meta["walletSk"] = meta.get("deliveryId") or uuid4(rng)
        if action in ("RENEW_SUBSCRIPTION", "AUTO_RENEW_SUBSCRIPTION", "CHANGE_PLAN"):
            plan = dict(rng.choice(cat.PLAN_FIELDS))
            meta.update({"referralBalanceDiscount": 0, **plan, "couponDiscount": 0, "version2": True})
            meta["nextPlan"] = json.dumps(
                {
                    "id": plan["planType"],
                    "frequency": plan["frequency"],
                    "extras": [],
                    "foodType": ["lunch", "snack"],
                    "pricePerDay": user.currency.meal_price,
                },
                separators=(",", ":"),
            )
        elif action == "REPLACE_FOOD":
            (ar1, en1), (ar2, en2) = rng.sample(cat.MEAL_NAMES, 2)
            meta["version2"] = True
            meta["source"] = json.dumps(
                {"id": uuid4(rng), "name": {"ar": ar1, "en": en1}}, separators=(",", ":"), ensure_ascii=False
            )
            meta["target"] = json.dumps(
                {"id": uuid4(rng), "name": {"ar": ar2, "en": en2}}, separators=(",", ":"), ensure_ascii=False
            )
            meta["API_VERSION_2"] = True
        elif forced == "backtick_metadata" or action in ("PURCHASE_ADDON_SUBSCRIPTION", "ADD_DELIVERY_ADDONS"):
            message = cat.GIFT_MESSAGES[1] if forced == "backtick_metadata" else rng.choice(cat.GIFT_MESSAGES)
            addons = [
                {
                    "id": uuid4(rng),
                    "quantity": 1,
                    "addonConfig": {
                        "addonCategory": "GIFT_CARDS",
                        "notificationInfo": {
                            "receiver": "friend",
                            "receiverName": rng.choice(cat.FIRST_NAMES),
                            "senderName": f"{user.first_name} {user.last_name}",
                            "giftMessage": message,
                            "deliveryInfo": {"deliveryType": "email", "email": user.email},
                        },
                    },
                }
            ]
            meta["version2"] = True
            meta["addons"] = json.dumps(addons, separators=(",", ":"), ensure_ascii=False)
            meta["source"] = "APP"
        return js_string(json.dumps(meta, separators=(",", ":"), ensure_ascii=False))

    # ---- debug dumps, lock, slack ---------------------------------------------------------------
    def _record_body(
        self,
        user: User,
        transaction_id: str,
        transaction_type: str,
        source: str,
        action: str,
        amount: float,
        vat: float,
        old: float,
    ) -> str:
        body = {
            "id": transaction_id,
            "type": transaction_type,
            "source": source,
            "action": action,
            "amount": amount,
            "vat": vat,
            "userBalance": old,
            "userId": user.user_id,
            "name": f"{user.first_name} {user.last_name}",
            "email": user.email,
            "phoneNumber": user.phone,
            "brand": "ACME",
            "kitchen": f"{user.currency.country}001",
            "currency": user.currency.code,
            "paymentMethod": self.rng.choice(("cc", "cash", "benefit")),
            "updatePaymentBalance": True,
            "metadata": {"walletId": f"wallet#{user.user_id}", "walletSk": uuid4(self.rng)},
            "actor": "system",
            "createdAt": self.ts(self.t - self.rng.randint(1000, 20000)),
        }
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        # JSON.stringify prints integral numbers without ".0"
        for key in ("amount", "vat", "userBalance"):
            value = body[key]
            assert isinstance(value, float)
            text = text.replace(f'"{key}":{json.dumps(value)}', f'"{key}":{js_number(value)}', 1)
        return text

    def _debug_dump(
        self,
        kind: str,
        user: User,
        transaction_id: str,
        transaction_type: str,
        source: str,
        action: str,
        amount: float,
        vat: float,
        old: float,
    ) -> None:
        self._tick(0, 5)
        body = self._record_body(user, transaction_id, transaction_type, source, action, amount, vat, old)
        if kind == "dump_transaction":
            self._app("debug_transaction_dump", "INFO", f"transaction {body}")
        elif kind == "dump_record_body":
            self._app("debug_record_body_dump", "INFO", f"record.body {body}")
        else:
            sent = self.t - self.rng.randint(100, 3000)
            group = user.user_id
            self._app(
                "debug_record_dump",
                "INFO",
                "\n".join(
                    (
                        "record {",
                        f"  messageId: '{self.message_id}',",
                        f"  receiptHandle: '{hex_string(self.rng, 120)}',",
                        f"  body: {js_string(body)},",
                        "  attributes: {",
                        "    ApproximateReceiveCount: '1',",
                        f"    AWSTraceHeader: 'Root=1-{sent // 1000:08x}-{hex_string(self.rng, 24)};Parent="
                        f"{hex_string(self.rng, 16)};Sampled=0',",
                        f"    SentTimestamp: '{sent}',",
                        f"    SequenceNumber: '{self.rng.randrange(10**19, 10**20)}',",
                        f"    MessageGroupId: '{group}',",
                        "    SenderId: 'AIDAEXAMPLESENDER0000',",
                        f"    MessageDeduplicationId: '{transaction_id}',",
                        f"    ApproximateFirstReceiveTimestamp: '{sent}'",
                        "  },",
                        "  messageAttributes: {},",
                        f"  md5OfBody: '{hex_string(self.rng, 32)}',",
                        "  eventSource: 'aws:sqs',",
                        f"  eventSourceARN: '{cat.QUEUE_ARN}',",
                        "  awsRegion: 'us-east-1'",
                        "}",
                    )
                ),
            )

    def _lock(self, user: User) -> None:
        stamp = self.ts(self.t - self.rng.randint(3, 15))
        sk = ulid(self.rng, self.t)
        ttl = self.t // 1000 + 1_209_600
        fields = [
            f"id: 'trxLock#{user.user_id}',",
            f"sk: '{sk}',",
            f"userId: '{user.user_id}',",
            "dataType: 'trxLock',",
            f"createdAt: '{stamp}',",
            f"updatedAt: '{stamp}',",
            f"ttl: {ttl},",
            f"tk: '{stamp}',",
            f"fk: '{stamp}'",
        ]
        lines = [cat.MSG_LOCK + "{", "  dirty: {},", "  original: {"]
        lines += ["    " + f for f in fields]
        lines += [
            "  },",
            "  attributes: [",
            "    'id',        'sk',",
            "    'userId',    'dataType',",
            "    'createdAt', 'updatedAt',",
            "    'ttl',       'tk',",
            "    'fk'",
            "  ],",
        ]
        lines += ["  " + f for f in fields[:-1]] + ["  " + fields[-1] + ",", "  newEntity: false", "}"]
        self._app("transaction_lock_created", "INFO", "\n".join(lines))

    def _slack(self, user: User, action: str) -> None:
        self._tick(1, 20)
        self._app("slack_notification", "INFO", cat.MSG_SLACK)
        self._metric("subBalanceDiscrapancy", {"userId": user.user_id, "action": action})
        self._tick(0, 2)
        self._app(
            "slack_notification",
            "INFO",
            "\n".join(
                (
                    cat.MSG_SLACK + " {",
                    f"  country: '{user.currency.country}',",
                    "  channel: 'balance-alerts',",
                    f"  kitchen: '{user.currency.country}001',",
                    "  brand: 'ACME',",
                    "  suppress: false,",
                    "  blocks: [",
                    "    { type: 'section', text: [Object] },",
                    "    { type: 'section', fields: [Array] },",
                    "    { type: 'section', text: [Object] }",
                    "  ]",
                    f"}} {cat.SLACK_TOPIC_ARN}",
                )
            ),
        )
