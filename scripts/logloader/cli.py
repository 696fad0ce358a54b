"""Command line: ``load_logs.py PATH [PATH ...]``.

A thin layer over :func:`load_paths`; see ``--help`` for every option.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tqdm import tqdm

from .errors import InputNotFound, LoaderError, RejectedFile
from .inputs import InputFile, iter_input_files
from .reader import MEGABYTE, FileFacts, Limits, read_lines
from .store import RawStore, connect

DEFAULT_DATABASE = "balance_sync.duckdb"


@dataclass
class Summary:
    loaded: int = 0
    skipped: int = 0
    rejected: int = 0
    lines: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    rejections: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        megabytes = self.bytes_read / MEGABYTE
        rate = megabytes / self.seconds if self.seconds > 0 else 0.0
        return (
            f"files loaded {self.loaded:,}, skipped (already loaded) {self.skipped:,}, "
            f"rejected {self.rejected:,}; lines {self.lines:,}; "
            f"{megabytes:,.1f} MB read in {self.seconds:.2f} s ({rate:,.0f} MB/s)"
        )


@dataclass(frozen=True)
class Options:
    limits: Limits = Limits()
    commit_bytes: int = 64 * MEGABYTE
    retry_rejected: bool = False


def load_paths(
    paths: Iterable[str],
    database: str,
    options: Options = Options(),
    *,
    wait_seconds: float = 0.0,
    progress: bool = False,
    warn=lambda message: print(message, file=sys.stderr),
) -> Summary:
    """Load every file behind ``paths`` into ``database``; return what happened."""
    started = time.perf_counter()
    items = _collect(paths)
    summary = Summary()
    connection = connect(database, wait_seconds)
    try:
        store = RawStore(connection, datetime.now(timezone.utc).replace(tzinfo=None))
        known = store.known_files()
        loaded_by_sha = {entry.sha256: source for source, entry in known.items() if entry.status == "loaded"}
        bar = tqdm(
            total=sum(item.size_bytes for item in items),
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            disable=not progress,
            desc="loading",
        )
        pending_bytes = 0
        try:
            for index, item in enumerate(items, start=1):
                bar.set_postfix_str(f"file {index:,}/{len(items):,}", refresh=False)
                outcome, facts = _load_one(item, store, known, loaded_by_sha, options)
                bar.update(item.size_bytes)
                summary.bytes_read += facts.decompressed_bytes
                pending_bytes += facts.decompressed_bytes
                if outcome == "skipped":
                    summary.skipped += 1
                elif outcome == "loaded":
                    summary.loaded += 1
                    summary.lines += facts.line_count
                else:
                    summary.rejected += 1
                    summary.rejections.append((item.source_file, outcome))
                    bar.clear()
                    warn(f"warning: rejected {item.source_file}: {outcome}")
                if pending_bytes >= options.commit_bytes:
                    store.commit()
                    pending_bytes = 0
            store.commit()
        except BaseException:
            store.rollback()
            raise
        finally:
            bar.close()
    finally:
        connection.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _collect(paths: Iterable[str]) -> list[InputFile]:
    items: list[InputFile] = []
    for path in paths:
        items.extend(iter_input_files(path))
    return items


def _load_one(
    item: InputFile,
    store: RawStore,
    known: dict,
    loaded_by_sha: dict[str, str],
    options: Options,
) -> tuple[str, FileFacts]:
    """Load one file; return ('loaded' | 'skipped' | <rejection reason>, facts)."""
    previous = known.get(item.source_file)
    facts = FileFacts()
    if previous is not None and not (options.retry_rejected and previous.status == "rejected"):
        # Cheap check first: a file already seen is skipped when its bytes are unchanged.
        if _sha256_of(item) == previous.sha256:
            return "skipped", facts
    store.begin_file(item.source_file, replaces_existing=previous is not None)
    error: str | None = None
    try:
        for batch in read_lines(item, facts, options.limits):
            store.add_lines(item.source_file, batch.first_line_number, batch.lines)
            if store.buffered_lines >= 1_000_000:
                store.spill(item.source_file)
    except RejectedFile as rejection:
        error = str(rejection)
    except OSError as failure:
        error = f"cannot read the file: {failure}"
    if error is None:
        twin = loaded_by_sha.get(facts.sha256)
        if twin is not None and twin != item.source_file:
            error = f"same bytes as {twin}, already loaded; its lines are counted once"
        else:
            loaded_by_sha[facts.sha256] = item.source_file
    store.end_file(
        item.source_file,
        sha256=facts.sha256,
        size_bytes=item.size_bytes,
        line_count=facts.line_count,
        error=error,
        has_invalid_utf8=facts.has_invalid_utf8,
    )
    return ("loaded" if error is None else error), facts


def _sha256_of(item: InputFile) -> str:
    import hashlib

    digest = hashlib.sha256()
    try:
        with item.open() as handle:
            while chunk := handle.read(MEGABYTE):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_logs.py",
        description=(
            "Load AWS Lambda CloudWatch log exports into the raw tables of a DuckDB file: "
            "raw.log_files (one row per file seen, loaded or rejected with the reason) and "
            "raw.log_lines (every line, with its file and 1-based line number, text exactly as in the file). "
            "Files already loaded with the same sha256 are skipped; a changed file replaces its rows. "
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
            "gzip or plain text is told by the bytes, not the name. File names are stored relative to the folder "
            "given (zip: the member path; single file: the path as given)."
        ),
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("BALANCE_SYNC_DB", DEFAULT_DATABASE),
        help="DuckDB file to write (default: $BALANCE_SYNC_DB, else %(default)s)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when any file is rejected (default: warn, load the rest, exit 0)",
    )
    parser.add_argument(
        "--retry-rejected",
        action="store_true",
        help="read again files that an earlier run rejected, even if their bytes are unchanged",
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


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    show_bar = arguments.progress == "bar" or (arguments.progress == "auto" and sys.stderr.isatty())
    options = Options(
        limits=Limits(
            max_file_bytes=arguments.max_file_mb * MEGABYTE,
            max_line_bytes=arguments.max_line_mb * MEGABYTE,
        ),
        commit_bytes=arguments.commit_mb * MEGABYTE,
        retry_rejected=arguments.retry_rejected,
    )
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
