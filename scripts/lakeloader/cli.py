"""Command line: ``load_lake.py PATH [PATH ...]`` (see ``--help``)."""

from __future__ import annotations

import argparse
import os
import sys

from logloader.cli import add_file_rule_options, options_from
from logloader.errors import InputNotFound, LoaderError
from logloader.load import Options
from logloader.reader import MEGABYTE

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
    add_file_rule_options(parser)
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
    options = options_from(arguments)
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
