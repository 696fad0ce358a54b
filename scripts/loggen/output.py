"""Shards -> files (folder tree or zip) in parallel, and the answer key."""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import random
import shutil
import sys
import time
import zipfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .broken import broken_files
from .nodefmt import hex_string, uuid4
from .stream import DAY_MS, FORCED_ITEMS, Rates, ShardState, StreamBuilder, make_users
from .truth import ShardTruth, summarize

ROOT = "balance-sync-logs"
ZIP_NAME = "balance-sync-logs.zip"
KEY_NAME = "answer_key.json"
INVOCATIONS_WEIGHTS = ((1, 49), (2, 21), (3, 7), (4, 4), (5, 3), (6, 2), (8, 3), (12, 3), (20, 4), (40, 4))


class GeneratorError(Exception):
    """Bad options or an output location that cannot be written."""


@dataclass(frozen=True)
class GeneratorConfig:
    out: Path
    seed: int = 42
    files: int = 200
    users: int = 100
    days: int = 60
    start_date: date = date(2023, 12, 1)
    target_mb: float | None = None
    files_per_shard: int = 50
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    zip: bool = False
    broken: bool = False
    compresslevel: int = 6
    progress: bool = False

    def validate(self) -> None:
        if self.files < 1 or self.users < 1 or self.days < 1 or self.files_per_shard < 1 or self.jobs < 1:
            raise GeneratorError("--files, --users, --days, --files-per-shard and --jobs must be at least 1")
        if self.target_mb is not None and self.target_mb <= 0:
            raise GeneratorError("--target-mb must be positive")
        if not 0 <= self.compresslevel <= 9:
            raise GeneratorError("--compresslevel must be 0..9")

    @property
    def start_ms(self) -> int:
        return int(
            datetime(self.start_date.year, self.start_date.month, self.start_date.day, tzinfo=UTC).timestamp() * 1000
        )


@dataclass(frozen=True)
class ShardSpec:
    index: int
    files: int
    users: int


@dataclass
class ShardResult:
    index: int
    files: list[tuple[str, bytes]]
    summary: dict[str, Any]


def export_id(seed: int) -> str:
    return uuid4(random.Random(f"{seed}:export"))


def _users_for(config: GeneratorConfig, files: int) -> int:
    return max(2, round(files * config.users / config.files))


def _shuffle_chunks(rng: random.Random, events: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """CloudWatch exports write blocks of a stream out of order: cut into 2-4 chunks and permute them."""
    if len(events) < 4:
        return events
    cuts = sorted(rng.sample(range(1, len(events)), min(len(events) - 1, rng.randint(1, 3))))
    chunks = [events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)])]
    order = list(range(len(chunks)))
    while order == sorted(order):
        rng.shuffle(order)
    return [event for i in order for event in chunks[i]]


def build_shard(config: GeneratorConfig, spec: ShardSpec) -> ShardResult:
    """Write one shard's streams in time order; its users' balance chains stay inside it."""
    rng = random.Random(f"{config.seed}:shard:{spec.index}")
    rates = Rates()
    users, weights = make_users(rng, spec.users)
    owed = list(FORCED_ITEMS)
    owed.remove("invoke_error")
    rng.shuffle(owed)
    truth = ShardTruth()
    shard = ShardState(
        rng=rng, users=users, cum_weights=weights, truth=truth, rates=rates, owed=["invoke_error", *owed]
    )
    root = f"{ROOT}/{export_id(config.seed)}"
    slot = config.days * DAY_MS / spec.files
    forced_failed_init = 1 if spec.files >= 3 else -1
    outputs: list[tuple[str, bytes]] = []
    counters = truth.counters
    for file_index in range(spec.files):
        slot_start = config.start_ms + int(file_index * slot)
        start = slot_start + int(rng.uniform(0, 0.3) * slot)
        day_end = (start // DAY_MS + 1) * DAY_MS
        end = min(slot_start + int(slot), day_end) - 2_000
        if end - start < 180_000:
            start = end - 180_000
        builder = StreamBuilder(shard, start, end)
        last = file_index == spec.files - 1
        if file_index == forced_failed_init or (
            file_index != 0 and not last and rng.random() < rates.failed_init_stream
        ):
            builder.failed_init_stream()
        else:
            values, weights_ = zip(*INVOCATIONS_WEIGHTS)
            builder.normal_stream(rng.choices(values, weights=weights_)[0], flush_owed=last)
        events = builder.events
        if file_index == 0 or rng.random() < rates.shuffle_file:
            events = _shuffle_chunks(rng, events)
        if any(b[0] < a[0] for a, b in zip(events, events[1:])):
            truth.out_of_order_files += 1
        data = "".join(f"{text}\n\n" for _, text in events).encode()
        counters["files"] += 1
        counters["lines"] += data.count(b"\n")
        counters["decompressed_bytes"] += len(data)
        day = datetime.fromtimestamp(start // 1000, tz=UTC).strftime("%Y-%m-%d")
        relpath = f"{root}/{day}-[$LATEST]{hex_string(rng, 32)}/000000.gz"
        outputs.append((relpath, gzip.compress(data, compresslevel=config.compresslevel, mtime=0)))
    return ShardResult(spec.index, outputs, summarize(truth))


class _Sink:
    """Writes files into a folder tree or into one zip (members named exactly like the folder paths)."""

    def __init__(self, config: GeneratorConfig) -> None:
        self.out = config.out
        self.zip: zipfile.ZipFile | None = None
        if config.zip:
            self.zip = zipfile.ZipFile(self.out / ZIP_NAME, "w", compression=zipfile.ZIP_STORED)

    def write(self, relpath: str, data: bytes) -> None:
        if self.zip is not None:
            info = zipfile.ZipInfo(relpath, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            self.zip.writestr(info, data)
        else:
            path = self.out / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _specs(config: GeneratorConfig) -> Iterator[ShardSpec]:
    """Shards in order: a fixed list for --files, an endless one for --target-mb (the caller stops)."""
    fps = config.files_per_shard
    if config.target_mb is not None:
        index = 0
        while True:
            yield ShardSpec(index, fps, _users_for(config, fps))
            index += 1
    for index, begin in enumerate(range(0, config.files, fps)):
        size = min(fps, config.files - begin)
        yield ShardSpec(index, size, _users_for(config, size))


def _results(config: GeneratorConfig) -> Iterator[ShardResult]:
    """Shard results in shard order; at most ``window`` shards in flight, so an endless plan stays bounded.

    When the caller stops early (``--target-mb`` reached), the shards not started are
    cancelled and the running ones finish: a worker is never killed. (multiprocessing.Pool
    kills its workers on exit, and one killed while sending its shard could leave the pool
    waiting forever: measured here, early-stopping runs of 0.5 MB hung within 1,500 runs in
    each of three tries; with this pool, 5,500 runs passed.)"""
    specs = _specs(config)
    window = max(2, config.jobs * 2)
    if config.jobs == 1:
        for spec in specs:
            yield build_shard(config, spec)
        return
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pool = ProcessPoolExecutor(max_workers=config.jobs, mp_context=context)
    try:
        pending: deque[Future[ShardResult]] = deque()
        for spec in specs:
            pending.append(pool.submit(build_shard, config, spec))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _merge(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for summary in summaries:
        for key, value in summary.items():
            if isinstance(value, dict):
                bucket = total.setdefault(key, {})
                for k, v in value.items():
                    if isinstance(v, str):  # Decimal text
                        bucket[k] = format((Decimal(bucket.get(k, "0")) + Decimal(v)).normalize(), "f")
                    else:
                        bucket[k] = bucket.get(k, 0) + v
            elif isinstance(value, list):
                total.setdefault(key, []).extend(value)
            else:
                total[key] = total.get(key, 0) + value
    for value in total.values():
        if isinstance(value, list):
            value.sort(key=lambda v: v["transaction_id"] if isinstance(v, dict) else v)
    return total


def _answer_key(config: GeneratorConfig, merged: dict[str, Any], broken: list[dict[str, Any]]) -> dict[str, Any]:
    c = Counter(merged["counters"])
    kinds = {k.split(":", 1)[1]: v for k, v in sorted(c.items()) if k.startswith("kind:")}
    levels = {k.split(":", 1)[1]: v for k, v in sorted(c.items()) if k.startswith("level:")}
    application = sum(levels.values())
    totals = {
        "files": c["files"],
        "lines": c["lines"],
        "decompressed_bytes": c["decompressed_bytes"],
        "events": sum(kinds.values()),
        "application_events": application,
        "application_events_by_level": levels,
        "invocations": kinds.get("start", 0),
        "cold_starts": kinds.get("init_start", 0),
        "failed_inits": kinds.get("init_report", 0),
        "processing_messages": kinds.get("processing_message", 0),
        "metric_lines": kinds.get("metric", 0),
        "xray_lines": c["xray_lines"],
        "out_of_order_files": merged["out_of_order_files"],
        "events_by_kind": kinds,
        "other_events": {
            "total": kinds.get("other", 0),
            "application": c["kind:other"] - c["other_non_application"],
            "non_application": c["other_non_application"],
        },
    }
    overdrafts = merged.get("overdrafts", [])
    key: dict[str, Any] = {
        "generator": _options(config),
        "layout": {
            "root": ROOT,
            "export_id": export_id(config.seed),
            "input_path": ZIP_NAME if config.zip else ROOT,
        },
        "totals": totals,
        "transactions": {
            "total": merged["transactions"],
            "by_currency": dict(sorted(merged.get("transactions_by_currency", {}).items())),
            "by_type": dict(sorted(merged.get("transactions_by_type", {}).items())),
            "legacy": merged["legacy_transactions"],
            "distinct_users": merged["distinct_users"],
            "payment_balance_negative": merged["payment_balance_negative"],
            "outcomes": dict(sorted(merged.get("outcomes", {}).items())),
            "net_amount_totals": dict(sorted(merged.get("net_amount_totals", {}).items())),
        },
        "overdrafts": {
            "count": len(overdrafts),
            "new_balance_negative": merged["new_balance_negative"],
            "refused_attempts": merged["refused_attempts"],
            "refused_without_transaction_block": merged["refused_without_transaction_block"],
            "transaction_ids": [o["transaction_id"] for o in overdrafts],
            "details": overdrafts,
        },
        "arithmetic_mismatches": {
            "count": len(merged.get("arithmetic_mismatch_ids", [])),
            "transaction_ids": merged.get("arithmetic_mismatch_ids", []),
        },
        "continuity": {
            "pairs": merged["continuity_pairs"],
            "breaks": len(merged.get("continuity_break_ids", [])),
            "transaction_ids": merged.get("continuity_break_ids", []),
        },
        "sync_mismatches": {
            "count": kinds.get("sync_mismatch", 0),
            "linked_to_transaction": len(merged.get("sync_mismatch_transaction_ids", [])),
            "distinct_users": merged["sync_mismatch_users"],
            "transaction_ids": merged.get("sync_mismatch_transaction_ids", []),
        },
        "duplicates": {
            "count": len(merged.get("duplicates", [])),
            "pairs": merged.get("duplicates", []),
        },
        "broken_files": broken,
    }
    loaded = [b for b in broken if b["expected_status"] == "loaded"]
    key["totals_with_broken"] = {
        "files_seen": totals["files"] + len(broken),
        "files_loaded": totals["files"] + len(loaded),
        "files_rejected": len(broken) - len(loaded),
        "lines": totals["lines"] + sum(b["line_count"] for b in loaded),
        "events": totals["events"] + sum(b["event_count"] for b in loaded),
        "application_events_by_level": dict(
            sorted(
                (Counter(levels) + sum((Counter(b["application_events_by_level"]) for b in loaded), Counter())).items()
            )
        ),
        "invocations": totals["invocations"] + sum(b["invocations"] for b in loaded),
        "cold_starts": totals["cold_starts"] + sum(b["cold_starts"] for b in loaded),
        "processing_messages": totals["processing_messages"] + sum(b["processing_messages"] for b in loaded),
        "transactions": key["transactions"]["total"] + sum(b["transactions"] for b in loaded),
    }
    return key


def _options(config: GeneratorConfig) -> dict[str, Any]:
    return {
        "seed": config.seed,
        "files": config.files,
        "users": config.users,
        "days": config.days,
        "start_date": config.start_date.isoformat(),
        "target_mb": config.target_mb,
        "files_per_shard": config.files_per_shard,
        "zip": config.zip,
        "broken": config.broken,
        "compresslevel": config.compresslevel,
    }


def _read_key(path: Path) -> dict[str, Any] | None:
    try:
        key = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return key if isinstance(key, dict) else None


def generate(
    config: GeneratorConfig, report: Callable[[str], None] | None = None, force: bool = False
) -> dict[str, Any]:
    """Generate the logs and the answer key into ``config.out``; returns the answer key.

    An ``out`` that already holds logs made with the same options is left as it is (the output is
    deterministic); other previous output is an error unless ``force`` replaces it."""
    config.validate()
    config.out.mkdir(parents=True, exist_ok=True)
    existing = [config.out / name for name in (ROOT, ZIP_NAME, KEY_NAME) if (config.out / name).exists()]
    if existing:
        previous = _read_key(config.out / KEY_NAME)
        if (
            not force
            and previous is not None
            and previous.get("generator") == _options(config)
            and (config.out / (ZIP_NAME if config.zip else ROOT)).exists()
        ):
            if report is not None:
                report(f"{config.out} already holds these logs (same options and seed); nothing to do")
            return previous
        if not force:
            raise GeneratorError(
                f"{config.out} already holds other generated logs; pass --force to replace them "
                "or choose an empty --out"
            )
        for path in existing:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    began = time.perf_counter()
    target_bytes = None if config.target_mb is None else config.target_mb * 1_000_000
    sink = _Sink(config)
    summaries: list[dict[str, Any]] = []
    written = 0
    try:
        for result in _results(config):
            for relpath, data in result.files:
                sink.write(relpath, data)
            summaries.append(result.summary)
            written += result.summary["counters"]["decompressed_bytes"]
            if report is not None:
                elapsed = time.perf_counter() - began
                report(
                    f"shard {result.index + 1}: {written / 1e6:.1f} MB decompressed, "
                    f"{written / 1e6 / max(elapsed, 1e-9):.1f} MB/s"
                )
            if target_bytes is not None and written >= target_bytes:
                break
        broken: list[dict[str, Any]] = []
        if config.broken:
            day = config.start_date.isoformat()
            for bad in broken_files(config.seed, export_id(config.seed), config.start_ms + 3_600_000, day):
                sink.write(bad.relpath, bad.data)
                broken.append({"name": bad.name, **bad.expectation})
    finally:
        sink.close()
    key = _answer_key(config, _merge(summaries), broken)
    (config.out / KEY_NAME).write_text(json.dumps(key, indent=2, ensure_ascii=False) + "\n")
    return key


__all__ = ["GeneratorConfig", "GeneratorError", "generate", "build_shard"]
