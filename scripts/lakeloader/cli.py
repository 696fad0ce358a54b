"""Command line: ``load_lake.py PATH [PATH ...]`` (see ``--help``)."""

from __future__ import annotations

import argparse
import os
import sys

from logloader.errors import InputNotFound, LoaderError
from logloader.load import Options
from logloader.reader import MEGABYTE, Limits

from .lake import default_lake
from .load import DEFAULT_MASTER, load_lake


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_lake.py",
        description=(
            "Load AWS Lambda CloudWatch log exports into the lake's raw tables as Parquet "
            "(warehouse/raw.db/log_files and log_events: the columns of the DuckDB loader's raw tables), "
            "reading the files in Spark tasks. Same rules as load_logs.py: files already loaded are skipped, "
            "a changed file replaces its rows, bad files are recorded as rejected with the reason, "
            "whole files per commit."
        ),
        epilog="Then build the marts: .venv/bin/dbt build --target spark (docs/spark.md)",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a folder tree of log files, a .zip of one, or a single log file (as load_logs.py)",
    )
    parser.add_argument(
        "--lake",
        default=default_lake(),
        help="the lake folder (default: $BALANCE_SYNC_LAKE, else lake/ in the repo: %(default)s)",
    )
    parser.add_argument(
        "--master",
        default=os.environ.get("SPARK_MASTER") or DEFAULT_MASTER,
        help="the Spark master to run on (default: $SPARK_MASTER, else %(default)s)",
    )
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when any file is rejected")
    parser.add_argument(
        "--retry-rejected",
        action="store_true",
        help="read again files that an earlier run rejected, even if their bytes are unchanged",
    )
    parser.add_argument(
        "--rehash",
        action="store_true",
        help="hash every file already loaded instead of trusting an unchanged size and date",
    )
    parser.add_argument(
        "--retire-missing",
        action="store_true",
        help="retire the files recorded under a PATH given that are no longer there: status "
        "'retired', their events deleted (default: report them and keep them)",
    )
    parser.add_argument(
        "--max-file-mb",
        type=int,
        default=Limits().max_file_bytes // MEGABYTE,
        help="reject a file decompressing past this many MB (default: %(default)s)",
    )
    parser.add_argument(
        "--max-line-mb",
        type=int,
        default=Limits().max_line_bytes // MEGABYTE,
        help="reject a file holding a line longer than this many MB (default: %(default)s)",
    )
    parser.add_argument(
        "--commit-mb",
        type=int,
        default=Options().commit_bytes // MEGABYTE,
        help="one Spark job and one commit per this many MB of input as stored; a killed load "
        "keeps what it committed (default: %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    options = Options(
        limits=Limits(max_file_bytes=arguments.max_file_mb * MEGABYTE, max_line_bytes=arguments.max_line_mb * MEGABYTE),
        commit_bytes=arguments.commit_mb * MEGABYTE,
        retry_rejected=arguments.retry_rejected,
        rehash=arguments.rehash,
        retire_missing=arguments.retire_missing,
    )
    try:
        summary = load_lake(arguments.paths, arguments.lake, options, master=arguments.master)
    except InputNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LoaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"{arguments.lake}: {summary.describe()}")
    return 1 if arguments.strict and summary.rejected else 0
