"""Tests for scripts/generate_logs.py: determinism, the DOMAIN.md section 2 format, and an answer key
that agrees with an independent count of the generated files (simple code, not the generator's)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

SCRIPTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(SCRIPTS))

from loggen.nodefmt import js_number  # noqa: E402
from loggen.output import GeneratorConfig, GeneratorError, generate  # noqa: E402

TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
EVENT_START = re.compile(rf"^{TS} ")
APP_LINE = re.compile(rf"^({TS}) {TS}\t([^\t]+)\t([A-Z]+)\t(.*)$")
PATH_SHAPE = re.compile(r"^balance-sync-logs/[0-9a-f-]{36}/\d{4}-\d\d-\d\d-\[\$LATEST\][0-9a-f]{32}/000000\.gz$")
HALF_MINOR = {
    "BHD": Decimal("0.0005"),
    "KWD": Decimal("0.0005"),
    "OMR": Decimal("0.0005"),
    "SAR": Decimal("0.005"),
    "AED": Decimal("0.005"),
    "QAR": Decimal("0.005"),
}
SMALL = dict(files=60, users=30, days=45, files_per_shard=20)


def _config(out: Path, **overrides: Any) -> GeneratorConfig:
    return GeneratorConfig(out=out, **{**SMALL, "jobs": 2, **overrides})


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("gen")
    key = generate(_config(out))
    return out, key


@pytest.fixture(scope="module")
def default_scale(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("default")
    return out, generate(GeneratorConfig(out=out))


def _files(out: Path) -> dict[str, bytes]:
    root = out / "balance-sync-logs"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _texts(out: Path) -> Iterator[tuple[str, str]]:
    for relpath, data in _files(out).items():
        yield relpath, gzip.decompress(data).decode("utf-8")


def _events(text: str) -> list[list[str]]:
    events: list[list[str]] = []
    for line in text.split("\n"):
        if EVENT_START.match(line):
            events.append([line])
        elif events:
            events[-1].append(line)
    return events


def _blocks(out: Path) -> list[dict[str, Any]]:
    """Transaction blocks parsed with plain regexes (independent of the generator's records)."""
    blocks = []
    for _, text in _texts(out):
        for event in _events(text):
            match = APP_LINE.match(event[0])
            if not match or not match.group(4).startswith("Start syncing the balance {"):
                continue
            fields = dict(re.findall(r"^    (\w+): (.*?),?$", "\n".join(event), re.M))
            fields = {k: v.strip("'") for k, v in fields.items()}
            fields["logged_at"] = match.group(1)
            fields["request_id"] = match.group(2)
            blocks.append(fields)
    return blocks


# ---------------------------------------------------------------------------------------------
def test_same_seed_gives_identical_bytes_whatever_the_worker_count(
    tmp_path: Path, generated: tuple[Path, dict]
) -> None:
    out, key = generated
    again = generate(_config(tmp_path / "again", jobs=1))
    assert _files(tmp_path / "again") == _files(out)
    assert (tmp_path / "again" / "answer_key.json").read_bytes() == (out / "answer_key.json").read_bytes()
    assert again == key


def test_another_seed_gives_other_logs(tmp_path: Path, generated: tuple[Path, dict]) -> None:
    out, _ = generated
    generate(_config(tmp_path / "other", seed=7))
    assert set(_files(tmp_path / "other").values()).isdisjoint(_files(out).values())


def test_paths_and_gzip_shape(generated: tuple[Path, dict]) -> None:
    out, key = generated
    files = _files(out)
    assert len(files) == key["totals"]["files"] == SMALL["files"]
    for relpath, data in files.items():
        assert PATH_SHAPE.match(relpath), relpath
        assert data[:2] == b"\x1f\x8b", relpath
        # the folder date is the UTC day of the stream's first event
        first_day = min(m.group(0)[:10] for m in re.finditer(TS, gzip.decompress(data).decode()))
        assert relpath.split("/")[2][:10] == first_day


def test_every_event_starts_with_a_timestamp_and_is_followed_by_one_empty_line(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    for relpath, text in _texts(out):
        assert text.endswith("\n\n"), relpath
        lines = text.split("\n")[:-1]  # the file ends with a newline
        assert EVENT_START.match(lines[0]), relpath
        for index, line in enumerate(lines):
            if line == "":
                assert index + 1 == len(lines) or EVENT_START.match(lines[index + 1]), (relpath, index)
            if index and EVENT_START.match(line):
                assert lines[index - 1] == "", (relpath, index)
        assert "\r" not in text


def test_out_of_order_chunks_present(generated: tuple[Path, dict]) -> None:
    out, key = generated
    unordered = 0
    for _, text in _texts(out):
        stamps = [event[0][:24] for event in _events(text)]
        unordered += stamps != sorted(stamps)
    assert unordered == key["totals"]["out_of_order_files"] > 0


def test_a_request_id_never_spans_files(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    seen: dict[str, str] = {}
    for relpath, text in _texts(out):
        for rid in set(re.findall(r"\t([0-9a-f-]{36})\t(?:INFO|ERROR|WARN)\t", text)) | set(
            re.findall(r"(?:START|END|REPORT) RequestId: ([0-9a-f-]{36})", text)
        ):
            assert seen.setdefault(rid, relpath) == relpath


KIND_PATTERNS = {
    "START": rf"^{TS} START RequestId: [0-9a-f-]{{36}} Version: \$LATEST$",
    "END": rf"^{TS} END RequestId: [0-9a-f-]{{36}}$",
    "REPORT": rf"^{TS} REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB"
    rf"\tMax Memory Used: \d+ MB\t$",
    "REPORT with Init Duration": rf"^{TS} REPORT .*\tInit Duration: [\d.]+ ms\t$",
    "XRAY": r"^XRAY TraceId: 1-[0-9a-f]{8}-[0-9a-f]{24}\tSegmentId: [0-9a-f]{16}\tSampled: true\t$",
    "INIT_START": rf"^{TS} INIT_START Runtime Version: nodejs:\S+\tRuntime Version ARN: arn:aws:lambda:\S+$",
    "INIT_REPORT init": rf"^{TS} INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\t",
    "INIT_REPORT invoke": rf"^{TS} INIT_REPORT Init Duration: [\d.]+ ms\tPhase: invoke\tStatus: error\t",
    "metric negativeBalance": rf'^{TS} {{"_aws":{{"Timestamp":\d+,.*"negativeBalance":1,"userId"',
    "metric synBalanceError": rf'^{TS} {{"_aws":.*"synBalanceError":1}}$',
    "metric subBalanceDiscrapancy": rf'^{TS} {{"_aws":.*"subBalanceDiscrapancy":1,',
    "Uncaught Exception under undefined": rf"^{TS} {TS}\tundefined\tERROR\tUncaught Exception \t{{",
    "Unknown application error": rf"^{TS} Unknown application error occurred\nRuntime.Unknown$",
    "Processing message": r"\tINFO\tProcessing message [0-9a-f-]{36}$",
    "transaction block (current)": r"\tINFO\tStart syncing the balance {\n  transaction: {\n    id: '\w{26}',\n"
    r"    type: '(CREDIT|DEBIT)',\n    source: '\w+',\n    action: '\w+',\n"
    r"    userId: '[0-9a-f-]{36}',\n    paymentBalance: -?[\d.]+,\n"
    r"    updatePaymentBalance: true,\n    metadata: .*,\n    currency: '[A-Z]{3}',\n"
    r"    amount: [\d.]+,\n    vat: [\d.]+,\n    oldBalance: -?[\d.]+,\n"
    r"    newBalance: -?[\d.]+\n  }\n}$",
    "transaction block (legacy)": r"\tINFO\tStart syncing the balance {\n  transaction: {\n    id: '\w{26}',\n"
    r"    userId: '[0-9a-f-]{36}',\n    currency: '[A-Z]{3}',\n    amount: [\d.]+,\n"
    r"    vat: [\d.]+,\n    oldBalance: -?[\d.]+,\n    newBalance: -?[\d.]+\n  }\n}$",
    "metadata undefined": r"^    metadata: undefined,$",
    "metadata JSON strings in JSON": r"^    metadata: '\{.*\":\"\[\{\\\\\"id\\\\\":",
    "metadata backtick-quoted": r"^    metadata: `\{.*'.*\"",
    "float noise": r"^    (amount|vat|oldBalance|newBalance|paymentBalance): -?\d+\.\d{9,}",
    "negative balance": r"^    newBalance: -\d",
    "published": r"\tINFO\tSubscriptionBalanceUpdated event published$",
    "not in sync": r"\tERROR\tSubscription balance and payment balance are not in sync {\n  userId: '\S+',\n"
    r"  subscriptionBalance: -?[\d.]+,\n  paymentBalance: -?[\d.]+\n}$",
    "skip create": r"\tINFO\tSkipping the balance sync for create subscription, it will be synced",
    "skip create web": r"\tINFO\tSkipping the balance sync for create web subscription",
    "already synced": r"\tINFO\tSkipping the process, balance is already synced from other listeners$",
    "already synced (older wording)": r"\tINFO\tBalance is already synced from other listeners$",
    "update flag false": r"\tINFO\tSkipping the process, Update Payment Balance Flag is set to false "
    r"\{ transactionAction: '\w+' \}$",
    "refusal with newBalance": r"\tINFO\t{\n  message: 'Subscriber will have a negative balance due to this action, "
    r"the process will terminate.',\n  data: {\n    transactionId: '\w+',\n"
    r"    userId: '\S+',\n    currentBalance: -?[\d.]+,\n    newBalance: -[\d.]+\n  }\n}$",
    "refusal without newBalance": r"\tINFO\t{\n  message: 'Subscriber will have a negative balance due to this "
    r"action, the process will terminate.',\n  data: {\n    userId: '\S+',\n"
    r"    currentBalance: -?[\d.]+,\n    transactionId: '\w+'\n  }\n}$",
    "sync error with stack": r"\tERROR\tAn error occured while syncing the balance TypeError: .*\n    at ",
    "Invoke Error": r"\tERROR\tInvoke Error \t{\"errorType\"",
    "Transaction Lock": r"\tINFO\tTransaction Lock created!+ Rr {\n  dirty: {},",
    "slack (bare)": r"\tINFO\tSending slack notification$",
    "slack (object + arn)": r"\tINFO\tSending slack notification {\n(.*\n)*} arn:aws:sns:\S+$",
    "debug transaction dump": r"\tINFO\ttransaction {\"id\":.*\"email\":\"[^\"]+@[^\"]+\",\"phoneNumber\":\"\+\d+\"",
    "debug record dump": r"\tINFO\trecord {\n  messageId: '\S+',\n.*\n  body: .*\"name\":",
    "debug record.body dump": r"\tINFO\trecord.body {\"id\":.*\"name\":\"[^\"]+\"",
    "unknown app message (WARN)": r"\tWARN\t",
    "unicode": r"[^\x00-\x7f]",
}


def test_every_domain_kind_is_present_at_default_scale(default_scale: tuple[Path, dict]) -> None:
    out, _ = default_scale
    events = ["\n".join(event).rstrip("\n") for _, text in _texts(out) for event in _events(text)]
    missing = []
    for name, pattern in KIND_PATTERNS.items():
        regex = re.compile(pattern, re.M)
        if not any(regex.search(event) for event in events):
            missing.append(name)
    assert not missing, f"kinds never written: {missing}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_shard_writes_the_rare_kinds_even_when_tiny(tmp_path: Path, seed: int) -> None:
    key = generate(GeneratorConfig(out=tmp_path, files=4, users=4, files_per_shard=4, jobs=1, seed=seed))
    kinds = key["totals"]["events_by_kind"]
    for kind in (
        "invoke_error",
        "transaction_lock_created",
        "slack_notification",
        "debug_record_dump",
        "debug_record_body_dump",
        "debug_transaction_dump",
        "negative_balance_refusal",
        "sync_error",
        "uncaught_exception",
        "other",
        "already_synced",
        "skipped_create_subscription",
        "skipped_update_payment_balance_false",
        "sync_mismatch",
        "metric",
        "init_report",
    ):
        assert kinds.get(kind, 0) > 0, kind
    assert set(key["transactions"]["outcomes"]) == {
        "published",
        "already_synced",
        "blocked_negative_balance",
        "failed",
        "unknown",
    }
    assert key["duplicates"]["count"] > 0 and key["arithmetic_mismatches"]["count"] > 0
    assert key["overdrafts"]["refused_without_transaction_block"] > 0


def test_answer_key_totals_agree_with_an_independent_count(generated: tuple[Path, dict]) -> None:
    out, key = generated
    totals = key["totals"]
    lines = events = starts = ends = reports = inits = init_reports = processing = 0
    levels: Counter[str] = Counter()
    decompressed = 0
    for _, text in _texts(out):
        decompressed += len(text.encode())
        lines += text.count("\n")
        for event in _events(text):
            events += 1
            head = event[0]
            body = head.split(" ", 1)[1]
            starts += body.startswith("START RequestId: ")
            ends += body.startswith("END RequestId: ")
            reports += body.startswith("REPORT RequestId: ")
            inits += body.startswith("INIT_START ")
            init_reports += body.startswith("INIT_REPORT ")
            match = APP_LINE.match(head)
            if match:
                levels[match.group(3)] += 1
                processing += match.group(4).startswith("Processing message ")
    assert totals["lines"] == lines
    assert totals["decompressed_bytes"] == decompressed
    assert totals["events"] == events
    assert totals["application_events"] == sum(levels.values())
    assert totals["application_events_by_level"] == dict(levels)
    assert totals["invocations"] == starts == ends == reports
    assert totals["cold_starts"] == inits
    assert totals["failed_inits"] == init_reports > 0
    assert totals["processing_messages"] == processing
    assert sum(totals["events_by_kind"].values()) == events


def _independent_rules(blocks: list[dict[str, Any]], texts: list[str]) -> dict[str, Any]:
    """DOMAIN.md section 3, written again from scratch over regex-parsed blocks."""
    arithmetic, breaks, negative, duplicates = set(), set(), set(), set()
    by_user = defaultdict(list)
    for b in blocks:
        amount, vat = Decimal(b["amount"]), Decimal(b["vat"])
        old, new = Decimal(b["oldBalance"]), Decimal(b["newBalance"])
        half = HALF_MINOR[b["currency"]]
        if "type" in b:
            expected = old + (amount - vat) * (1 if b["type"] == "CREDIT" else -1)
            wrong = abs(new - expected) > half
        else:
            wrong = all(abs(new - old - m) > half for m in (amount, -amount, amount - vat, vat - amount))
        if wrong:
            arithmetic.add(b["id"])
        if new < 0:
            negative.add(b["id"])
        by_user[b["userId"]].append(b)
    pairs = 0
    for user_blocks in by_user.values():
        user_blocks.sort(key=lambda b: (b["logged_at"], b["id"]))
        seen = set()
        for previous, current in zip(user_blocks, user_blocks[1:]):
            pairs += 1
            if abs(Decimal(current["oldBalance"]) - Decimal(previous["newBalance"])) > HALF_MINOR[current["currency"]]:
                breaks.add(current["id"])
        for b in user_blocks:
            unit = (2 * HALF_MINOR[b["currency"]]).normalize()  # equal as money: float noise is no difference
            signature = (
                b.get("action"),
                *(Decimal(b[name]).quantize(unit) for name in ("amount", "oldBalance", "newBalance")),
            )
            if signature in seen:
                duplicates.add(b["id"])
            seen.add(signature)
    refused = set()
    for text in texts:
        refused |= set(re.findall(r"negative balance due to this action.*?transactionId: '(\w+)'", text, re.S))
    return {
        "arithmetic": arithmetic,
        "breaks": breaks,
        "pairs": pairs,
        "negative": negative,
        "refused": refused,
        "duplicates": duplicates,
    }


def test_answer_key_business_figures_agree_with_an_independent_computation(generated: tuple[Path, dict]) -> None:
    out, key = generated
    blocks = _blocks(out)
    texts = [text for _, text in _texts(out)]
    rules = _independent_rules(blocks, texts)
    tx = key["transactions"]
    assert tx["total"] == len(blocks) == len({b["id"] for b in blocks})
    assert tx["by_currency"] == dict(sorted(Counter(b["currency"] for b in blocks).items()))
    assert tx["legacy"] == sum("type" not in b for b in blocks) > 0
    assert tx["distinct_users"] == len({b["userId"] for b in blocks})
    assert tx["payment_balance_negative"] == sum(Decimal(b.get("paymentBalance", "0")) < 0 for b in blocks)
    assert set(key["arithmetic_mismatches"]["transaction_ids"]) == rules["arithmetic"] != set()
    assert set(key["continuity"]["transaction_ids"]) == rules["breaks"] != set()
    assert key["continuity"]["pairs"] == rules["pairs"]
    assert key["overdrafts"]["new_balance_negative"] == len(rules["negative"]) > 0
    assert key["overdrafts"]["refused_attempts"] == sum(
        text.count("negative balance due to this action") for text in texts
    )
    assert set(key["overdrafts"]["transaction_ids"]) == rules["negative"] | rules["refused"]
    assert (
        key["overdrafts"]["refused_without_transaction_block"] == len(rules["refused"] - {b["id"] for b in blocks}) > 0
    )
    assert {d["transaction_id"] for d in key["duplicates"]["pairs"]} == rules["duplicates"] != set()
    not_in_sync = sum(
        text.count("\tERROR\tSubscription balance and payment balance are not in sync {") for text in texts
    )
    assert key["sync_mismatches"]["count"] == key["sync_mismatches"]["linked_to_transaction"] == not_in_sync > 0


def test_sync_mismatch_errors_follow_their_transaction_block(generated: tuple[Path, dict]) -> None:
    """Each 'not in sync' ERROR comes after a block of the same request and carries its balances."""
    out, key = generated
    linked = set()
    for _, text in _texts(out):
        events = sorted(_events(text), key=lambda e: e[0][:24])  # stable: file order breaks ties
        last_block: dict[str, dict[str, str]] = {}
        for event in events:
            match = APP_LINE.match(event[0])
            if not match:
                continue
            joined = "\n".join(event)
            if match.group(4).startswith("Processing message"):
                last_block.pop(match.group(2), None)
            elif match.group(4).startswith("Start syncing the balance {"):
                last_block[match.group(2)] = dict(re.findall(r"^    (\w+): '?(.*?)'?,?$", joined, re.M))
            elif match.group(4).startswith("Subscription balance and payment balance are not in sync"):
                block = last_block[match.group(2)]
                assert f"subscriptionBalance: {block['newBalance']}," in joined
                assert f"paymentBalance: {block['paymentBalance']}\n" in joined
                linked.add(block["id"])
    assert linked == set(key["sync_mismatches"]["transaction_ids"])


def test_outcomes_cover_every_transaction(generated: tuple[Path, dict]) -> None:
    _, key = generated
    outcomes = key["transactions"]["outcomes"]
    assert sum(outcomes.values()) == key["transactions"]["total"]
    assert set(outcomes) <= {"published", "already_synced", "blocked_negative_balance", "failed", "unknown"}


def test_zip_mode_holds_the_same_files(tmp_path: Path, generated: tuple[Path, dict]) -> None:
    out, key = generated
    zkey = generate(_config(tmp_path, zip=True))
    assert not (tmp_path / "balance-sync-logs").exists()
    with zipfile.ZipFile(tmp_path / "balance-sync-logs.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert members == _files(out)
    assert zkey["totals"] == key["totals"] and zkey["layout"]["input_path"] == "balance-sync-logs.zip"


def test_broken_files_are_what_the_key_says(tmp_path: Path) -> None:
    key = generate(_config(tmp_path, files=20, broken=True))
    broken = {b["name"]: b for b in key["broken_files"]}
    assert set(broken) == {
        "truncated_gzip",
        "plain_text_named_gz",
        "empty_file",
        "binary_junk",
        "invalid_utf8_line",
        "crlf_line_endings",
    }
    data = {name: (tmp_path / b["source_file"]).read_bytes() for name, b in broken.items()}
    for name, b in broken.items():
        assert b["size_bytes"] == len(data[name])
    with pytest.raises(EOFError):
        gzip.decompress(data["truncated_gzip"])
    assert data["empty_file"] == b""
    junk = data["binary_junk"]
    assert junk[:2] != b"\x1f\x8b" and b"\x00" in junk
    with pytest.raises(UnicodeDecodeError):
        junk.decode("utf-8")
    plain = data["plain_text_named_gz"]
    assert plain[:2] != b"\x1f\x8b" and EVENT_START.match(plain.decode())
    bad = gzip.decompress(data["invalid_utf8_line"])
    bad_lines = bad.split(b"\n")
    bad_number = broken["invalid_utf8_line"]["invalid_line_number"]
    with pytest.raises(UnicodeDecodeError):
        bad_lines[bad_number - 1].decode("utf-8")
    assert all(line.decode("utf-8") is not None for i, line in enumerate(bad_lines) if i != bad_number - 1)
    crlf = gzip.decompress(data["crlf_line_endings"])
    assert crlf.count(b"\n") == crlf.count(b"\r\n")
    for name in ("plain_text_named_gz", "invalid_utf8_line", "crlf_line_endings"):
        text_bytes = plain if name == "plain_text_named_gz" else gzip.decompress(data[name])
        assert broken[name]["expected_status"] == "loaded"
        assert broken[name]["line_count"] == text_bytes.count(b"\n")
        assert broken[name]["event_count"] == len(re.findall(rb"(?m)^" + TS.encode() + rb" ", text_bytes))
    for name in ("truncated_gzip", "empty_file", "binary_junk"):
        assert broken[name]["expected_status"] == "rejected" and broken[name]["reason"]
    with_broken = key["totals_with_broken"]
    loaded_levels = Counter(key["totals"]["application_events_by_level"])
    for name in ("plain_text_named_gz", "invalid_utf8_line", "crlf_line_endings"):
        loaded_levels.update(broken[name]["application_events_by_level"])
    assert with_broken["application_events_by_level"] == dict(sorted(loaded_levels.items()))
    assert with_broken["files_loaded"] == key["totals"]["files"] + 3
    assert with_broken["files_rejected"] == 3
    assert with_broken["lines"] == key["totals"]["lines"] + sum(
        broken[n]["line_count"] for n in ("plain_text_named_gz", "invalid_utf8_line", "crlf_line_endings")
    )


def test_target_mb_writes_whole_shards_until_the_size_is_reached(tmp_path: Path) -> None:
    key = generate(_config(tmp_path, target_mb=0.5, files_per_shard=10))
    size = key["totals"]["decompressed_bytes"]
    assert size >= 500_000
    assert key["totals"]["files"] % 10 == 0
    assert sum(len(gzip.decompress(d)) for d in _files(tmp_path).values()) == size
    smaller = generate(_config(tmp_path / "smaller", target_mb=0.5 * 0.8, files_per_shard=10))
    # the same shards, in the same order: a smaller target writes a prefix of the larger output
    assert set(_files(tmp_path / "smaller").values()) <= set(_files(tmp_path).values())
    assert smaller["totals"]["files"] <= key["totals"]["files"]


def test_rerun_keeps_same_logs_refuses_other_ones_and_force_replaces(tmp_path: Path) -> None:
    first = generate(_config(tmp_path, files=3))
    before = _files(tmp_path)
    assert generate(_config(tmp_path, files=3)) == first  # same options: nothing to do
    assert _files(tmp_path) == before
    with pytest.raises(GeneratorError, match="--force"):
        generate(_config(tmp_path, files=4))
    replaced = generate(_config(tmp_path, files=4), force=True)
    assert replaced["totals"]["files"] == len(_files(tmp_path)) == 4
    with pytest.raises(GeneratorError):
        generate(replace(_config(tmp_path / "x"), days=0))


def test_cli_help_explains_every_option_and_runs(tmp_path: Path) -> None:
    script = SCRIPTS / "generate_logs.py"
    help_text = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in (
        "--out",
        "--seed",
        "--files",
        "--users",
        "--days",
        "--start-date",
        "--target-mb",
        "--files-per-shard",
        "--jobs",
        "--zip",
        "--broken",
        "--compresslevel",
        "--quiet",
        "--force",
    ):
        assert option in help_text
    done = subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path), "--files", "5", "--quiet"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "5 files" in done.stdout
    assert json.loads((tmp_path / "answer_key.json").read_text())["totals"]["files"] == 5


def test_generator_never_reads_the_real_sample() -> None:
    for source in [SCRIPTS / "generate_logs.py", *(SCRIPTS / "loggen").glob("*.py")]:
        text = source.read_text()
        assert "shared/data" not in text and "../shared" not in text, source


@pytest.mark.parametrize(
    ("value", "javascript"),
    [
        (8.0, "8"),
        (-0.5, "-0.5"),
        (590.3989999999962, "590.3989999999962"),
        (0.0001, "0.0001"),
        (0.000015, "0.000015"),  # Python: 1.5e-05
        (1e-6, "0.000001"),
        (1.5e-7, "1.5e-7"),  # Python: 1.5e-07
        (-1.7763568394002505e-15, "-1.7763568394002505e-15"),  # float noise of a balance that is 0
        (1.5e21, "1.5e+21"),
    ],
)
def test_numbers_are_printed_as_node_prints_them(value: float, javascript: str) -> None:
    """Node's String(value) for each; a 3 GB run once stopped on float noise of -1.8e-15."""
    assert js_number(value) == javascript
