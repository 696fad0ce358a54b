"""Command line: ``load_logs.py PATH [PATH ...]``.

Maps the options to a :class:`~logloader.load.Options` and one call of
:func:`~logloader.load.load_paths`; prints the summary, or the error's message
with exit status 2 (a path given does not exist) or 3 (anything else the loader
could not do, e.g. the database is in use).
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import InputNotFound, LoaderError
from .load import Options, load_paths
from .reader import MEGABYTE, Limits

DEFAULT_DATABASE = "balance_sync.duckdb"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_logs.py",
        description=(
            "Load AWS Lambda CloudWatch log exports into the raw tables of a DuckDB file: "
            "raw.log_files (one row per file seen, loaded or rejected with the reason) and "
            "raw.log_events (every CloudWatch event: the line that starts with its timestamp and the lines up to "
            "the next one, with its file and 1-based line numbers, text exactly as in the file). "
            "A file is known by its physical location (its resolved path; zip: the zip's, the member and "
            "its place among members of the same name) and read at most once per run, whatever the paths given. "
            "Files already loaded are skipped: without reading them when their size and modification time "
            "(zip members: size, CRC-32 and date) are those recorded, else when their sha256 is the same; "
            "a changed file replaces its rows (and the loader says so). "
            "Files recorded under a PATH given that are no longer there are reported and kept. "
            "Each file is written atomically."
        ),
        epilog="Then build the marts: BALANCE_SYNC_DB=FILE .venv/bin/dbt build",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=(
            "a folder tree of log files, a .zip of one (read in place, never extracted), or a single log file; "
            "gzip or plain text is told by the bytes, not the name. A file is stored under its path from the "
            "folder given, that folder's name included (zip: the zip's name and the member path; single file: "
            "its folder's name and its own); a new file whose name another file already has gets ' (2)' after it. "
            "FIFOs, sockets and devices are rejected without being opened."
        ),
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BALANCE_SYNC_DB", DEFAULT_DATABASE),
        help="DuckDB file to write (default: $BALANCE_SYNC_DB, else %(default)s)",
    )
    add_file_rule_options(parser)
    parser.add_argument(
        "--commit-mb",
        type=int,
        default=Options().commit_bytes // MEGABYTE,
        help="commit after about this many MB of decompressed text; each commit holds whole files only, "
        "so a killed run keeps what it committed and a re-run loads the rest (default: %(default)s)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another process holds the database, wait up to this long for it (default: fail at once)",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bar", "plain"),
        default="auto",
        help="a progress bar (bar), or plain lines only (plain); auto: a bar on a terminal (default: %(default)s)",
    )
    return parser


def add_file_rule_options(parser: argparse.ArgumentParser) -> None:
    """The options on which files are read, kept and rejected: the same for load_lake.py."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when any file (or a folder that cannot be listed) is rejected "
        "(default: warn, load the rest, exit 0)",
    )
    parser.add_argument(
        "--retry-rejected",
        action="store_true",
        help="read again files that an earlier run rejected, even if their bytes are unchanged",
    )
    parser.add_argument(
        "--rehash",
        action="store_true",
        help="read and sha256-hash every file already loaded to tell whether it changed, instead of trusting "
        "an unchanged size and modification time (zip members: size, CRC-32 and date)",
    )
    parser.add_argument(
        "--retire-missing",
        action="store_true",
        help="retire the files recorded under a PATH given that are no longer there: their raw.log_files row "
        "gets status 'retired' (error says when and why) and their events are deleted, so the marts no "
        "longer count them (default: report them and keep them)",
    )
    parser.add_argument(
        "--max-file-mb",
        type=int,
        default=Limits().max_file_bytes // MEGABYTE,
        help="reject a file whose decompressed size passes this many MB, a guard against decompression bombs "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-line-mb",
        type=int,
        default=Limits().max_line_bytes // MEGABYTE,
        help="reject a file holding a single line longer than this many MB (default: %(default)s)",
    )


def options_from(arguments: argparse.Namespace) -> Options:
    """The loader's Options from the parsed options of add_file_rule_options and --commit-mb."""
    return Options(
        limits=Limits(
            max_file_bytes=arguments.max_file_mb * MEGABYTE,
            max_line_bytes=arguments.max_line_mb * MEGABYTE,
        ),
        commit_bytes=arguments.commit_mb * MEGABYTE,
        retry_rejected=arguments.retry_rejected,
        rehash=arguments.rehash,
        retire_missing=arguments.retire_missing,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = build_parser().parse_args(argv)
    show_bar = arguments.progress == "bar" or (arguments.progress == "auto" and sys.stderr.isatty())
    options = options_from(arguments)
    try:
        summary = load_paths(
            arguments.paths, arguments.database, options, wait_seconds=arguments.wait, progress=show_bar
        )
    except InputNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except LoaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print(f"{arguments.database}: {summary.describe()}")
    return 1 if arguments.strict and summary.rejected else 0
