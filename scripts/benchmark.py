#!/usr/bin/env python3
"""Time the pipeline's stages on a data set and compare with the decompression floor.

Stages (each run as its own process, in a fresh DuckDB file):
  floor        zcat of every input file on all cores (the least any loader must spend)
  load         scripts/load_logs.py
  dbt          dbt build; its run_results.json is summed per layer (seeds, staging,
               intermediate, marts, tests) on top of dbt's own start-up cost
  reports      the reports build (when reports/scripts/build.sh exists and --reports)
  incremental  with --incremental PERCENT: that share of new files is added, then
               load + dbt build run again; the time is compared with the full run

Peak memory is the largest resident set of any process of a stage (ru_maxrss of
the waited-for children). Prints a table of seconds, MB/s, ratio to the floor
and peak MB.

  .venv/bin/python scripts/benchmark.py                     # the real sample (../shared/data)
  .venv/bin/python scripts/benchmark.py --generate-mb 1000  # 1 GB of generated logs
  .venv/bin/python scripts/benchmark.py PATH                # your own logs
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
DBT = REPO / ".venv" / "bin" / "dbt"
SAMPLE = REPO.parent / "shared" / "data"
MEGABYTE = 1024 * 1024


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float
    note: str = ""


def run_measured(command: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, float]:
    """Run ``command`` in a fresh process tree; return (seconds, peak resident MB of any of its processes)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "elapsed = time.perf_counter() - started\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(f'BENCHMARK {elapsed} {peak} {code}', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("BENCHMARK ")]
    if not marker:
        raise SystemExit(f"benchmark: {' '.join(command)} did not run:\n{result.stderr[-2000:]}")
    _, seconds, peak, code = marker[-1].split()
    if code != "0":
        raise SystemExit(f"benchmark: {' '.join(command)} failed (exit {code}):\n{result.stderr[-4000:]}")
    return float(seconds), float(peak)


def input_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def decompressed_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb") as handle:
            is_gzip = handle.read(2) == b"\x1f\x8b"
        if is_gzip:
            with gzip.open(path, "rb") as handle:
                while chunk := handle.read(4 * MEGABYTE):
                    total += len(chunk)
        else:
            total += path.stat().st_size
    return total


def floor_seconds(files: list[Path], env: dict[str, str]) -> tuple[float, float]:
    listing = tempfile.NamedTemporaryFile("w", delete=False, suffix=".lst")
    with listing:
        listing.write("\0".join(str(path) for path in files if path.suffix == ".gz"))
    command = ["sh", "-c", f"xargs -0 -P {os.cpu_count() or 1} -n 64 zcat -f < {listing.name} > /dev/null"]
    try:
        return run_measured(command, env)
    finally:
        os.unlink(listing.name)


def dbt_layers(target: Path) -> dict[str, float]:
    """Seconds of SQL per layer: models by their folder (fqn), then seeds and tests."""
    results = json.loads((target / "run_results.json").read_text())
    nodes = json.loads((target / "manifest.json").read_text())
    folders = {**nodes.get("nodes", {}), **nodes.get("unit_tests", {})}
    layers: dict[str, float] = {}
    for result in results["results"]:
        unique_id: str = result["unique_id"]
        kind = unique_id.split(".")[0]
        if kind == "model":
            fqn = folders.get(unique_id, {}).get("fqn", [])
            layer = fqn[1] if len(fqn) > 2 else "models"
        else:
            layer = {"seed": "seeds", "test": "tests", "unit_test": "unit tests"}.get(kind, kind)
        layers[layer] = layers.get(layer, 0.0) + float(result["execution_time"])
    return layers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="logs to measure (default: ../shared/data)")
    parser.add_argument("--generate-mb", type=int, help="generate about this many MB (decompressed) of logs instead")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument("--incremental", type=float, default=0.0, metavar="PERCENT",
                        help="also measure a re-run after adding this share of new files (generated data only)")
    parser.add_argument("--reports", action="store_true", help="also time the reports build")
    parser.add_argument("--keep", type=Path, help="keep the work folder here instead of a temporary one")
    arguments = parser.parse_args(argv)

    work = arguments.keep or Path(tempfile.mkdtemp(prefix="balance-sync-bench."))
    work.mkdir(parents=True, exist_ok=True)
    database = work / "bench.duckdb"
    for stale in (database, Path(f"{database}.wal")):
        stale.unlink(missing_ok=True)
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    stages: list[Stage] = []

    if arguments.generate_mb:
        logs = work / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        seconds, peak = run_measured(
            [str(PYTHON), "scripts/generate_logs.py", "--out", str(logs), "--seed", str(arguments.seed),
             "--target-mb", str(arguments.generate_mb)], env)
        stages.append(Stage("generate", seconds, peak, "(not part of the pipeline)"))
        paths = [logs / "balance-sync-logs"]
    else:
        paths = arguments.paths or [SAMPLE]
    for path in paths:
        if not path.exists():
            raise SystemExit(f"benchmark: {path} does not exist; give logs, or --generate-mb N")
    files = input_files(paths)
    size = decompressed_bytes(files)
    megabytes = size / MEGABYTE
    print(f"data: {len(files):,} files, {megabytes:,.1f} MB decompressed, {sum(p.stat().st_size for p in files) / MEGABYTE:,.1f} MB on disk")

    floor, floor_peak = floor_seconds(files, env)
    stages.append(Stage("floor (zcat, all cores)", floor, floor_peak))
    seconds, peak = run_measured([str(PYTHON), "scripts/load_logs.py", "--progress", "plain", *map(str, paths)], env)
    stages.append(Stage("load", seconds, peak))
    load_seconds = seconds
    target = work / "target"
    seconds, peak = run_measured([str(DBT), "build", "--target-path", str(target), "--log-path", str(work / "dbt-logs")], env)
    layers = dbt_layers(target)
    stages.append(Stage("dbt build", seconds, peak,
                        "; ".join(f"{name} {value:.1f}s" for name, value in sorted(layers.items()))
                        + f"; dbt start-up and the rest {seconds - sum(layers.values()):.1f}s"))
    full_run = load_seconds + seconds
    if arguments.reports and (REPO / "reports" / "scripts" / "build.sh").exists():
        seconds, peak = run_measured([str(REPO / "reports" / "scripts" / "build.sh")], env)
        stages.append(Stage("reports build", seconds, peak))

    if arguments.incremental and arguments.generate_mb:
        extra = work / "extra"
        shutil.rmtree(extra, ignore_errors=True)
        extra_mb = max(1, int(arguments.generate_mb * arguments.incremental / 100))
        run_measured([str(PYTHON), "scripts/generate_logs.py", "--out", str(extra), "--seed", str(arguments.seed + 1000),
                      "--target-mb", str(extra_mb)], env)
        load_again, peak_load = run_measured([str(PYTHON), "scripts/load_logs.py", "--progress", "plain", str(extra / "balance-sync-logs")], env)
        build_again, peak_build = run_measured([str(DBT), "build", "--target-path", str(target), "--log-path", str(work / "dbt-logs")], env)
        stages.append(Stage(f"incremental +{arguments.incremental:g}% (load + dbt build)", load_again + build_again,
                            max(peak_load, peak_build), f"{(load_again + build_again) / full_run:.0%} of the full run"))

    print(f"{'stage':<44} {'seconds':>8} {'MB/s':>8} {'x floor':>8} {'peak MB':>8}  notes")
    for stage in stages:
        rate = megabytes / stage.seconds if stage.seconds else 0.0
        print(f"{stage.name:<44} {stage.seconds:>8.2f} {rate:>8.1f} {stage.seconds / floor:>8.1f} {stage.peak_mb:>8.0f}  {stage.note}")
    pipeline = full_run
    print(f"{'load + dbt build':<44} {pipeline:>8.2f} {megabytes / pipeline:>8.1f} {pipeline / floor:>8.1f} "
          f"{max(s.peak_mb for s in stages if s.name in ('load', 'dbt build')):>8.0f}")
    if not arguments.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
