"""What was written, and the business rules of DOMAIN.md section 3 applied to it (exact Decimal maths).

A ``ShardTruth`` records every transaction block, refusal and sync-mismatch error a shard wrote,
as the *text* it wrote (so the rules see exactly what a parser sees), and ``summarize`` turns it
into plain counts and id lists that merge across shards (users never span shards).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .catalog import CURRENCY_BY_CODE


@dataclass(frozen=True)
class TransactionRecord:
    """One ``Start syncing the balance`` block, with numbers exactly as printed."""

    transaction_id: str
    user_id: str
    currency: str
    logged_ms: int
    transaction_type: str | None  # None: legacy layout (type not logged)
    action: str | None
    amount: str
    vat: str
    old_balance: str
    new_balance: str
    payment_balance: str | None
    outcome: str
    has_sync_mismatch: bool


@dataclass(frozen=True)
class RefusalRecord:
    """One negative-balance refusal object."""

    transaction_id: str
    user_id: str
    has_transaction_block: bool
    has_new_balance: bool


@dataclass
class ShardTruth:
    counters: Counter[str] = field(default_factory=Counter)
    transactions: list[TransactionRecord] = field(default_factory=list)
    refusals: list[RefusalRecord] = field(default_factory=list)
    sync_mismatch_users: set[str] = field(default_factory=set)
    out_of_order_files: int = 0


def _dec(text: str) -> Decimal:
    return Decimal(text)


def _in_minor_units(text: str, currency: str) -> Decimal:
    """A printed number as money of its currency: JavaScript float noise (``1809.0000000000002``) is not
    a different amount, so values are compared at the currency's minor unit (ISO 4217)."""
    return _dec(text).quantize(Decimal(1).scaleb(-CURRENCY_BY_CODE[currency].minor_units))


def is_arithmetic_mismatch(tx: TransactionRecord) -> bool:
    """DOMAIN.md 3: |new - (old + s*(amount - vat))| > half a minor unit; legacy rows try ±amount and ±net."""
    half = CURRENCY_BY_CODE[tx.currency].half_minor_unit
    amount, vat = _dec(tx.amount), _dec(tx.vat)
    old, new = _dec(tx.old_balance), _dec(tx.new_balance)
    net = amount - vat
    if tx.transaction_type is None:
        return all(abs(new - (old + move)) > half for move in (amount, -amount, net, -net))
    sign = 1 if tx.transaction_type == "CREDIT" else -1
    return abs(new - (old + sign * net)) > half


def _sort_key(tx: TransactionRecord) -> tuple[int, str]:
    return (tx.logged_ms, tx.transaction_id)


def summarize(truth: ShardTruth) -> dict[str, Any]:
    """Apply the rules to one shard; returns mergeable counts and sorted id lists."""
    by_user: dict[str, list[TransactionRecord]] = defaultdict(list)
    for tx in truth.transactions:
        by_user[tx.user_id].append(tx)

    continuity_pairs = 0
    continuity_breaks: list[str] = []
    duplicates: list[dict[str, str]] = []
    for user_txs in by_user.values():
        user_txs.sort(key=_sort_key)
        half = CURRENCY_BY_CODE[user_txs[0].currency].half_minor_unit
        first_seen: dict[tuple[Any, ...], str] = {}
        for index, tx in enumerate(user_txs):
            if index:
                continuity_pairs += 1
                previous_new = _dec(user_txs[index - 1].new_balance)
                if abs(_dec(tx.old_balance) - previous_new) > half:
                    continuity_breaks.append(tx.transaction_id)
            # the same movement again: equal as money of the currency, not as printed text
            key = (
                tx.action,
                *(_in_minor_units(value, tx.currency) for value in (tx.amount, tx.old_balance, tx.new_balance)),
            )
            if key in first_seen:
                duplicates.append({"transaction_id": tx.transaction_id, "duplicate_of": first_seen[key]})
            else:
                first_seen[key] = tx.transaction_id

    overdrafts: dict[str, dict[str, Any]] = {}
    new_balance_negative = 0
    for tx in truth.transactions:
        if _dec(tx.new_balance) < 0:
            new_balance_negative += 1
            overdrafts[tx.transaction_id] = {
                "transaction_id": tx.transaction_id,
                "user_id": tx.user_id,
                "was_blocked": tx.outcome == "blocked_negative_balance",
                "has_transaction_block": True,
            }
    for refusal in truth.refusals:
        entry = overdrafts.setdefault(
            refusal.transaction_id,
            {
                "transaction_id": refusal.transaction_id,
                "user_id": refusal.user_id,
                "has_transaction_block": refusal.has_transaction_block,
            },
        )
        entry["was_blocked"] = True

    by_currency: Counter[str] = Counter(tx.currency for tx in truth.transactions)
    by_type: Counter[str] = Counter(tx.transaction_type or "legacy" for tx in truth.transactions)
    outcomes: Counter[str] = Counter(tx.outcome for tx in truth.transactions)
    net_totals: dict[str, Decimal] = defaultdict(Decimal)
    for tx in truth.transactions:
        if tx.transaction_type is not None:
            net_totals[f"{tx.currency}:{tx.transaction_type}"] += _dec(tx.amount) - _dec(tx.vat)
    return {
        "counters": dict(truth.counters),
        "out_of_order_files": truth.out_of_order_files,
        "transactions": len(truth.transactions),
        "transactions_by_currency": dict(by_currency),
        "transactions_by_type": dict(by_type),
        "legacy_transactions": by_type.get("legacy", 0),
        "outcomes": dict(outcomes),
        "distinct_users": len(by_user),
        "payment_balance_negative": sum(
            1 for tx in truth.transactions if tx.payment_balance is not None and _dec(tx.payment_balance) < 0
        ),
        "new_balance_negative": new_balance_negative,
        "refused_attempts": len(truth.refusals),
        "refused_without_transaction_block": sum(1 for r in truth.refusals if not r.has_transaction_block),
        "overdrafts": sorted(overdrafts.values(), key=lambda o: o["transaction_id"]),
        "arithmetic_mismatch_ids": sorted(tx.transaction_id for tx in truth.transactions if is_arithmetic_mismatch(tx)),
        "continuity_pairs": continuity_pairs,
        "continuity_break_ids": sorted(continuity_breaks),
        "duplicates": sorted(duplicates, key=lambda d: d["transaction_id"]),
        "sync_mismatch_transaction_ids": sorted(tx.transaction_id for tx in truth.transactions if tx.has_sync_mismatch),
        "sync_mismatch_users": len(truth.sync_mismatch_users),
        "net_amount_totals": {k: format(v.normalize(), "f") for k, v in net_totals.items()},
    }
