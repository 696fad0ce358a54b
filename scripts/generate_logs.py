#!/usr/bin/env python3
"""Generate realistic, deterministic AWS Lambda CloudWatch export logs of the balance-sync service.

Writes ``OUT/balance-sync-logs/<export-id>/<YYYY-MM-DD>-[$LATEST]<hex>/000000.gz`` (or, with --zip,
``OUT/balance-sync-logs.zip`` holding the same paths) and ``OUT/answer_key.json``: the exact totals and
the ids of every anomaly a correct pipeline must find (DOMAIN.md sections 2-3). Same options and seed
give byte-identical output. It never reads real logs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loggen.output import GeneratorConfig, GeneratorError, generate  # noqa: E402


def parse_args(argv: list[str] | None = None) -> tuple[GeneratorConfig, bool]:
    parser = argparse.ArgumentParser(
        prog="generate_logs.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Scale: files are grouped in shards of --files-per-shard streams; each shard owns its own users "
        "(their balance chains carry over between its files) and spans all --days. Example for about "
        "1 GB decompressed: generate_logs.py --out /tmp/big --target-mb 1000",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder (created). If it already holds logs made with the same options "
        "they are kept as they are (nothing to do); other earlier output needs --force",
    )
    parser.add_argument("--force", action="store_true", help="replace earlier generated logs and answer key in --out")
    parser.add_argument(
        "--seed", type=int, default=42, help="random seed; same seed and options -> same bytes (default 42)"
    )
    parser.add_argument(
        "--files",
        type=int,
        default=200,
        help="number of log streams (= .gz files) to write (default 200, about 2.5 MB "
        "decompressed); ignored when --target-mb is given",
    )
    parser.add_argument(
        "--users",
        type=int,
        default=100,
        help="number of subscribers for --files files; with --target-mb the ratio users/files is kept (default 100)",
    )
    parser.add_argument("--days", type=int, default=60, help="days the logs span (default 60)")
    parser.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=date(2023, 12, 1),
        help="first UTC day, YYYY-MM-DD (default 2023-12-01; days before 2024-01-01 use "
        "mostly the legacy transaction layout)",
    )
    parser.add_argument(
        "--target-mb",
        type=float,
        default=None,
        help="instead of --files: write whole shards until about this many MB (10^6 bytes) of "
        "decompressed text exist (e.g. 1000 for 1 GB)",
    )
    parser.add_argument(
        "--files-per-shard",
        type=int,
        default=50,
        help="streams per shard, the unit of parallel work and of user ownership (default 50)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes (default: number of CPUs); output does not depend on it",
    )
    parser.add_argument(
        "--zip",
        action="store_true",
        help="write OUT/balance-sync-logs.zip (stored members, same paths) instead of a folder",
    )
    parser.add_argument(
        "--broken",
        action="store_true",
        help="also write 6 bad files (truncated gzip, plain text named .gz, empty file, binary "
        "junk, a gzip with an invalid UTF-8 line, a CRLF gzip); the answer key says how "
        "each must be loaded or rejected",
    )
    parser.add_argument("--compresslevel", type=int, default=6, help="gzip level 0-9 (default 6)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    kwargs = {} if args.jobs is None else {"jobs": args.jobs}
    return GeneratorConfig(
        out=args.out,
        seed=args.seed,
        files=args.files,
        users=args.users,
        days=args.days,
        start_date=args.start_date,
        target_mb=args.target_mb,
        files_per_shard=args.files_per_shard,
        zip=args.zip,
        broken=args.broken,
        compresslevel=args.compresslevel,
        progress=not args.quiet,
        **kwargs,
    ), args.force


def main(argv: list[str] | None = None) -> int:
    config, force = parse_args(argv)
    report = None if not config.progress else (lambda line: print(line, file=sys.stderr, flush=True))
    try:
        key = generate(config, report, force=force)
    except GeneratorError as error:
        print(f"generate_logs: {error}", file=sys.stderr)
        return 2
    totals = key["totals"]
    print(
        f"generate_logs: {totals['files']} files, {totals['lines']} lines, "
        f"{totals['decompressed_bytes'] / 1e6:.1f} MB decompressed, {key['transactions']['total']} transactions "
        f"-> {config.out} (answer key: {config.out / 'answer_key.json'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
