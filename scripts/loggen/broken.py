"""Deliberately bad input files (``--broken``) and what a correct loader does with each."""

from __future__ import annotations

import gzip
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .nodefmt import hex_string
from .stream import Rates, ShardState, StreamBuilder, make_users
from .truth import ShardTruth

INVALID_UTF8_MARKER = "\x00INVALID-UTF8\x00"
INVALID_UTF8_BYTES = b"Customer note: caf" + b"\xe9 \xff\xfe end"


@dataclass(frozen=True)
class BrokenFile:
    name: str
    relpath: str
    data: bytes
    expectation: dict[str, Any]


def _small_stream(rng: random.Random, start_ms: int, extra_invalid_line: bool) -> tuple[str, Counter[str]]:
    """One cold start and one invocation with two batch items and no transaction block."""
    users, weights = make_users(rng, 2)
    shard = ShardState(rng=rng, users=users, cum_weights=weights, truth=ShardTruth(), rates=Rates(xray=0.0))
    builder = StreamBuilder(shard, start_ms, start_ms + 600_000)
    builder.init_start()
    builder._tick(700, 900)
    shard.owed = ["skip_flag", "skip_create"]
    builder.invocation(812.5, forced_only=True)
    events = builder.events
    if extra_invalid_line:
        stamp = builder.ts(events[-2][0])
        events.insert(len(events) - 2, (events[-2][0], f"{stamp} {stamp}\t{builder.rid}\tINFO\t{INVALID_UTF8_MARKER}"))
        shard.truth.counters["kind:other"] += 1
        shard.truth.counters["level:INFO"] += 1
    return "".join(f"{text}\n\n" for _, text in events), shard.truth.counters


def _counts(text_bytes: bytes, counters: Counter[str]) -> dict[str, Any]:
    levels = {k.split(":", 1)[1]: v for k, v in counters.items() if k.startswith("level:")}
    return {
        "line_count": text_bytes.count(b"\n"),
        "event_count": sum(v for k, v in counters.items() if k.startswith("kind:")),
        "invocations": counters["kind:start"],
        "cold_starts": counters["kind:init_start"],
        "processing_messages": counters["kind:processing_message"],
        "application_events_by_level": levels,
        "transactions": counters["kind:transaction_block"],
    }


def broken_files(seed: int, export_id: str, start_ms: int, day: str) -> list[BrokenFile]:
    rng = random.Random(f"{seed}:broken")

    def relpath() -> str:
        return f"balance-sync-logs/{export_id}/{day}-[$LATEST]{hex_string(rng, 32)}/000000.gz"

    files: list[BrokenFile] = []
    text, _ = _small_stream(rng, start_ms, False)
    whole = gzip.compress(text.encode(), mtime=0)
    files.append(
        BrokenFile(
            "truncated_gzip",
            relpath(),
            whole[: len(whole) * 6 // 10],
            {
                "expected_status": "rejected",
                "reason": "gzip stream truncated (ends before the end-of-stream marker / CRC)",
            },
        )
    )

    text, counters = _small_stream(rng, start_ms + 700_000, False)
    plain = text.encode()
    files.append(
        BrokenFile(
            "plain_text_named_gz",
            relpath(),
            plain,
            {
                "expected_status": "loaded",
                "reason": "plain UTF-8 text under a .gz name: told by its bytes (no 1f 8b magic), loads as text",
                **_counts(plain, counters),
            },
        )
    )

    files.append(
        BrokenFile(
            "empty_file",
            relpath(),
            b"",
            {
                "expected_status": "rejected",
                "reason": "empty file (0 bytes)",
            },
        )
    )

    junk = bytearray(rng.getrandbits(8) for _ in range(4096))
    junk[0:2] = b"\x00\x9c"  # never the gzip magic
    files.append(
        BrokenFile(
            "binary_junk",
            relpath(),
            bytes(junk),
            {
                "expected_status": "rejected",
                "reason": "binary junk: neither gzip nor text (NUL bytes, not UTF-8)",
            },
        )
    )

    text, counters = _small_stream(rng, start_ms + 1_400_000, True)
    raw = text.encode().replace(INVALID_UTF8_MARKER.encode(), INVALID_UTF8_BYTES)
    bad_line = raw[: raw.index(INVALID_UTF8_BYTES)].count(b"\n") + 1
    files.append(
        BrokenFile(
            "invalid_utf8_line",
            relpath(),
            gzip.compress(raw, mtime=0),
            {
                "expected_status": "loaded",
                "reason": "valid gzip, one line with invalid UTF-8 bytes: loads with U+FFFD replacements, file flagged",
                "has_invalid_utf8": True,
                "invalid_line_number": bad_line,
                **_counts(raw, counters),
            },
        )
    )

    text, counters = _small_stream(rng, start_ms + 2_100_000, False)
    crlf = text.encode().replace(b"\n", b"\r\n")
    files.append(
        BrokenFile(
            "crlf_line_endings",
            relpath(),
            gzip.compress(crlf, mtime=0),
            {
                "expected_status": "loaded",
                "reason": "valid gzip with CRLF line endings: loads, each line keeps its trailing \\r "
                "(the empty separator lines are '\\r')",
                **_counts(crlf, counters),
            },
        )
    )
    for f in files:
        f.expectation["source_file"] = f.relpath
        f.expectation["size_bytes"] = len(f.data)
    return files
