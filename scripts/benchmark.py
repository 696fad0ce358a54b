#!/usr/bin/env python3
"""Time the pipeline's stages on a data set and compare with the decompression floor.

Stages (each run as its own process, in a fresh DuckDB file):
  floor        zcat of every input file on all cores (the least any loader must spend)
  load         scripts/load_logs.py
  dbt          dbt parse (what only the first run in a checkout pays: later runs
               parse changed files only), then dbt build as scripts/run.sh runs it
               the first time (--full-refresh, one model at a time; data tests, no
               unit tests); its run_results.json is summed per layer (seeds, staging,
               intermediate, marts, tests) on top of dbt's own start-up cost
  reports      with --reports: `npm run sources` (Evidence runs the source queries on
               the marts) and `npm run build` (the static site) in reports/; this
               rewrites reports/build and reports/.evidence of this checkout
  spark        with --engine spark (or both): the same data loaded into a lake with
               scripts/load_lake.py (the reading in Spark tasks) and built with
               `dbt build --target spark --full-refresh` on $SPARK_MASTER (default
               local[2]; a standalone master from scripts/spark-cluster.sh start), as
               scripts/spark-run.sh runs them (docs/spark.md). Peak memory counts the
               driver's process tree: on a standalone cluster the executors run in the
               workers' processes and are not counted
  incremental  with --incremental PERCENT: that share of the input files (a random,
               seeded sample, so they fall among existing users and days, like
               late and new exports; or with --new-files latest the latest by the
               day in their stream name, a daily export) is removed from the raw tables and the
               marts rebuilt (not timed); then the loader runs again over all
               the input (it skips the files it has, unread when their size and
               date match, and adds the missing ones) and dbt build runs again
               (the incremental model: docs/design.md): that re-run is timed and
               compared with the full run. Works on any folder input.

Peak memory is that of a stage's whole process tree: the largest resident set of any
one process (ru_maxrss), or, where several run at once (the loader's workers), the sum
of their proportional set sizes (PSS) sampled twice a second, when larger. Prints a
table of seconds, MB/s, ratio to the floor and peak MB. MB are 10^6 bytes of
decompressed text, the unit of the generator's --target-mb, so --generate-mb 1000
reports about 1,000 MB. The load average is printed before and after: on a shared
machine the figures mean little without it.
Each stage's output goes to WORK/logs-<stage>.txt; a failing dbt build (a failed
data test) is still timed, marked FAILED, and the script exits 1.

  .venv/bin/python scripts/benchmark.py                     # the real sample (../shared/data)
  .venv/bin/python scripts/benchmark.py --generate-mb 1000  # 1 GB of generated logs
  .venv/bin/python scripts/benchmark.py PATH                # your own logs
  .venv/bin/python scripts/benchmark.py --engine both       # the sample on DuckDB, then on Spark
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
DBT = REPO / ".venv" / "bin" / "dbt"
SAMPLE = REPO.parent / "shared" / "data"
# what scripts/run.sh runs: dbt's default selector (selectors.yml: data tests, no unit
# tests). The first build of a database (no stamp of its models yet) is a full rebuild,
# one model at a time.
PRODUCTION_BUILD_OPTIONS: list[str] = []
FIRST_BUILD_OPTIONS = ["--full-refresh", "--threads", "1"]
MEGABYTE = 1_000_000  # the generator's --target-mb unit
READ_CHUNK = 4 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float
    note: str = ""
    failed: bool = False
    megabytes: float | None = None  # data the stage handles, when not the whole data set


def run_measured(
    command: list[str], env: dict[str, str], log: Path, cwd: Path = REPO, allow_failure: bool = False
) -> tuple[float, float, int]:
    """Run ``command`` in a fresh process tree; return (seconds, peak MB, exit code).

    The peak is the memory of the whole process tree: the largest resident set any single
    process reached (ru_maxrss, exact), or, while the tree has several processes at once
    (the loader's workers), the sum of their proportional set sizes (PSS, shared pages
    split among their sharers) when that is larger, sampled twice a second from /proc.
    Reading a process's smaps takes its memory-map lock: sampled every 20 ms it slowed a
    1 GB dbt build from 72-77 s to 96 s, so a single process is never sampled and a tree
    only rarely. Its stdout and stderr go to ``log`` (dbt prints its errors on stdout). A
    failure stops the benchmark with the log's tail, unless ``allow_failure``.
    """
    probe = (
        "import os, resource, subprocess, sys, time\n"
        "def tree(pid):\n"
        "    found = [pid]\n"
        "    try:\n"
        "        with open(f'/proc/{pid}/task/{pid}/children') as handle:\n"
        "            for child in handle.read().split():\n"
        "                found += tree(int(child))\n"
        "    except OSError:\n"
        "        pass\n"
        "    return found\n"
        "def pss_kib(pid):\n"
        "    try:\n"
        "        with open(f'/proc/{pid}/smaps_rollup') as handle:\n"
        "            return sum(int(line.split()[1]) for line in handle if line.startswith('Pss:'))\n"
        "    except OSError:\n"
        "        return 0\n"
        "started = time.perf_counter()\n"
        "child = subprocess.Popen(sys.argv[2:], stdout=open(sys.argv[1], 'w'), stderr=subprocess.STDOUT)\n"
        "tree_peak = 0\n"
        "while True:\n"
        "    try:\n"
        "        child.wait(timeout=0.5)\n"
        "        break\n"
        "    except subprocess.TimeoutExpired:\n"
        "        pids = tree(child.pid)\n"
        "        if len(pids) > 1:\n"
        "            tree_peak = max(tree_peak, sum(pss_kib(pid) for pid in pids))\n"
        "elapsed = time.perf_counter() - started\n"
        "peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, tree_peak) / 1024\n"
        "print(f'BENCHMARK {elapsed} {peak} {child.returncode}', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(log), *command],
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
    if code != "0" and not allow_failure:
        raise SystemExit(f"benchmark: {' '.join(command)} failed (exit {code}), log {log}:\n{tail(log)}")
    return float(seconds), float(peak) * 1.048576, int(code)  # peak is MiB (KiB / 1024): report 10^6-byte MB


def tail(log: Path, characters: int = 4000) -> str:
    return log.read_text(errors="replace")[-characters:] if log.exists() else ""


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def input_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def magic(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4)


def decompressed_bytes(files: list[Path]) -> int:
    """Decompressed text size; gzip is told by its bytes (as the loader does), zip members are counted one by one."""

    def gunzipped(handle) -> int:  # type: ignore[no-untyped-def]
        total = 0
        while chunk := handle.read(READ_CHUNK):
            total += len(chunk)
        return total

    total = 0
    for path in files:
        head = magic(path)
        if head in ZIP_MAGIC:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    with archive.open(info) as member:
                        is_gzip = member.read(2) == GZIP_MAGIC
                    if is_gzip:
                        with archive.open(info) as member, gzip.open(member, "rb") as handle:
                            total += gunzipped(handle)
                    else:
                        total += info.file_size
        elif head[:2] == GZIP_MAGIC:
            with gzip.open(path, "rb") as handle:
                total += gunzipped(handle)
        else:
            total += path.stat().st_size
    return total


def floor_seconds(files: list[Path], env: dict[str, str], log: Path) -> tuple[float, float]:
    """zcat -f of every input file, gzip or not (told by bytes, not by the .gz name), on all cores; zips through unzip -p."""
    zips = [path for path in files if magic(path) in ZIP_MAGIC]
    plain = [path for path in files if path not in set(zips)]
    listing = tempfile.NamedTemporaryFile("w", delete=False, suffix=".lst")
    with listing:
        listing.write("\0".join(str(path) for path in plain))
    jobs = os.cpu_count() or 1
    script = f"xargs -r -0 -P {jobs} -n 64 zcat -f < {listing.name} > /dev/null"
    for archive in zips:
        script += f" && unzip -p '{archive}' | zcat -f > /dev/null"
    try:
        seconds, peak, _ = run_measured(["sh", "-c", script], env, log)
        return seconds, peak
    finally:
        os.unlink(listing.name)


def dbt_layers(target: Path) -> tuple[dict[str, float], float]:
    """Node seconds per layer (models by their folder (fqn), then seeds and tests) and the graph's wall time.

    With several threads nodes run side by side, so the layers' sum can exceed the wall time.
    """
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
    return layers, float(results.get("elapsed_time", 0.0))


def dbt_build(env: dict[str, str], work: Path, name: str, options: list[str] = PRODUCTION_BUILD_OPTIONS) -> Stage:
    """Time one ``dbt build``; a failure (e.g. a failed data test) is timed and marked, not fatal."""
    target = work / "target"
    (target / "run_results.json").unlink(missing_ok=True)
    log = work / f"logs-{name.replace(' ', '-')}.txt"
    seconds, peak, code = run_measured(
        [str(DBT), "build", *options, "--target-path", str(target), "--log-path", str(work / "dbt-logs")],
        env,
        log,
        allow_failure=True,
    )
    parts = []
    if (target / "run_results.json").exists():
        layers, graph = dbt_layers(target)
        parts = [f"{layer} {value:.1f}s" for layer, value in sorted(layers.items())]
        parts.append(f"(node seconds, threads overlap); graph {graph:.1f}s, dbt start-up {seconds - graph:.1f}s")
    note = "; ".join(parts)
    if code:
        note = f"FAILED (exit {code}, see {log}); {note}"
    return Stage(name, seconds, peak, note, failed=bool(code))


def measure_reports(env: dict[str, str], work: Path) -> list[Stage]:
    """Time the Evidence source queries and the static build, as reports/package.json defines them."""
    reports = REPO / "reports"
    npm = shutil.which("npm")
    if npm is None or not (reports / "node_modules").is_dir():
        raise SystemExit("benchmark: --reports needs npm and reports/node_modules (run `npm ci` in reports/)")
    stages = []
    for script in ("sources", "build"):
        seconds, peak, _ = run_measured([npm, "run", script], env, work / f"logs-reports-{script}.txt", cwd=reports)
        stages.append(Stage(f"reports {script} (npm run {script})", seconds, peak))
    return stages


def relative_sources(paths: list[Path]) -> dict[str, Path]:
    """source_file as the loader names it (its own listing: the folder given, then the path in it) -> the file."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from logloader.inputs import InputFile, iter_input_files

    sources: dict[str, Path] = {}
    for path in paths:
        if not path.is_dir():
            raise SystemExit(f"benchmark: --incremental needs folder inputs; {path} is not a folder")
        for item in iter_input_files(str(path)):
            if isinstance(item, InputFile) and not item.problem and not item.is_folder:
                sources[item.source_file] = Path(item.path)
    return sources


def export_date(source_file: str) -> tuple[str, str]:
    """Sort key: the day in the log stream's name (CloudWatch exports name streams by day), then the path."""
    day = re.search(r"(\d{4})[-/](\d{2})[-/](\d{2})", source_file)
    return ("-".join(day.groups()) if day else "", source_file)


def measure_incremental(
    arguments: argparse.Namespace, paths: list[Path], env: dict[str, str], work: Path, full_run: float
) -> list[Stage]:
    """Withdraw PERCENT of the files from the raw tables, rebuild (untimed), then time re-load + dbt build."""
    import duckdb  # the venv's; imported here so --help works anywhere

    sources = relative_sources(paths)
    count = max(1, round(len(sources) * arguments.incremental / 100))
    if arguments.new_files == "latest":
        withheld = sorted(sorted(sources, key=export_date)[-count:])
    else:
        withheld = sorted(random.Random(arguments.seed).sample(sorted(sources), count))
    withheld_mb = decompressed_bytes([sources[name] for name in withheld]) / MEGABYTE
    connection = duckdb.connect(env["BALANCE_SYNC_DB"])
    try:
        connection.execute("create temporary table withheld (source_file varchar)")
        connection.executemany("insert into withheld values (?)", [[name] for name in withheld])
        connection.execute("delete from raw.log_events where source_file in (select source_file from withheld)")
        connection.execute("delete from raw.log_files where source_file in (select source_file from withheld)")
    finally:
        connection.close()
    before = dbt_build(env, work, "dbt build without the withheld files")
    if before.failed:
        return [before]
    load_again, peak_load, _ = run_measured(
        [str(PYTHON), "scripts/load_logs.py", "--progress", "plain", *map(str, paths)],
        env,
        work / "logs-load-incremental.txt",
    )
    rebuild = dbt_build(env, work, "incremental dbt build")
    again = load_again + rebuild.seconds
    share = f"{count:,} {arguments.new_files} files, {withheld_mb:.1f} MB"
    before.note = f"(state before the new files; not part of the re-run) {before.note}"
    return [
        before,
        Stage(
            f"incremental load (+{arguments.incremental:g}%)",
            load_again,
            peak_load,
            f"{share} new; the others are skipped unread (same size and date)",
            megabytes=withheld_mb,
        ),
        Stage(
            "incremental dbt build",
            rebuild.seconds,
            rebuild.peak_mb,
            rebuild.note,
            rebuild.failed,
            megabytes=withheld_mb,
        ),
        Stage(
            f"incremental +{arguments.incremental:g}% (load + dbt build)",
            again,
            max(peak_load, rebuild.peak_mb),
            f"{again / full_run:.0%} of the full run (target <= 10%)",
            rebuild.failed,
            megabytes=withheld_mb,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="logs to measure (default: ../shared/data)")
    parser.add_argument(
        "--generate-mb", type=int, help="generate about this many MB (10^6 bytes, decompressed) of logs instead"
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument(
        "--incremental",
        type=float,
        default=0.0,
        metavar="PERCENT",
        help="also measure a re-run after adding this share (e.g. 1) of the files to a "
        "database built without them (folder inputs)",
    )
    parser.add_argument(
        "--new-files",
        choices=("random", "latest"),
        default="random",
        help="which files --incremental withholds: a seeded random sample (late exports "
        "among old days, the hard case) or the latest by the day in their stream name "
        "(the daily case) (default: %(default)s)",
    )
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark", "both"),
        default="duckdb",
        help="which engine loads and builds: DuckDB (the default), Spark (scripts/setup.sh --spark first), "
        "or both one after the other on the same data",
    )
    parser.add_argument("--reports", action="store_true", help="also time the reports build")
    parser.add_argument("--keep", type=Path, help="keep the work folder here instead of a temporary one")
    arguments = parser.parse_args(argv)
    if not 0 <= arguments.incremental < 100:
        parser.error("--incremental is a percentage of the input files, between 0 and 100")

    work = arguments.keep or Path(tempfile.mkdtemp(prefix="balance-sync-bench."))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return measure(arguments, work)
    finally:
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(arguments: argparse.Namespace, work: Path) -> int:
    database = work / "bench.duckdb"
    for stale in (database, Path(f"{database}.wal")):
        stale.unlink(missing_ok=True)
    env = {**os.environ, "BALANCE_SYNC_DB": str(database)}
    stages: list[Stage] = []
    print(f"load average at start: {load_average()}", flush=True)

    if arguments.generate_mb:
        logs = work / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        seconds, peak, _ = run_measured(
            [
                str(PYTHON),
                "scripts/generate_logs.py",
                "--out",
                str(logs),
                "--seed",
                str(arguments.seed),
                "--target-mb",
                str(arguments.generate_mb),
            ],
            env,
            work / "logs-generate.txt",
        )
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
    print(
        f"data: {len(files):,} files, {megabytes:,.1f} MB decompressed, "
        f"{sum(p.stat().st_size for p in files) / MEGABYTE:,.1f} MB on disk",
        flush=True,
    )

    floor, floor_peak = floor_seconds(files, env, work / "logs-floor.txt")
    stages.append(Stage("floor (zcat, all cores)", floor, floor_peak))
    runs: dict[str, float] = {}
    if arguments.engine in ("duckdb", "both"):
        runs["load + dbt build (DuckDB)"] = measure_duckdb(arguments, paths, env, work, stages)
    if arguments.engine in ("spark", "both"):
        runs["lake load + dbt build (Spark)"] = measure_spark(paths, env, work, stages)

    print(f"{'stage':<44} {'seconds':>8} {'MB/s':>8} {'x floor':>8} {'peak MB':>8}  notes")
    for stage in stages:
        size = megabytes if stage.megabytes is None else stage.megabytes
        rate = size / stage.seconds if stage.seconds else 0.0
        ratio = stage.seconds / floor if floor else float("nan")
        print(f"{stage.name:<44} {stage.seconds:>8.2f} {rate:>8.1f} {ratio:>8.1f} {stage.peak_mb:>8.0f}  {stage.note}")
    for name, seconds in runs.items():
        print(
            f"{name:<44} {seconds:>8.2f} {megabytes / seconds:>8.1f} {seconds / floor if floor else float('nan'):>8.1f}"
        )
    print(f"load average at end: {load_average()}")
    failed = [stage.name for stage in stages if stage.failed]
    if failed:
        print(f"benchmark: {', '.join(failed)} failed: the figures above are of a failing run", file=sys.stderr)
        return 1
    return 0


def measure_duckdb(
    arguments: argparse.Namespace, paths: list[Path], env: dict[str, str], work: Path, stages: list[Stage]
) -> float:
    """The DuckDB stages: load, dbt parse, dbt build (and the reports, the re-run); returns load + build."""
    seconds, peak, _ = run_measured(
        [str(PYTHON), "scripts/load_logs.py", "--progress", "plain", *map(str, paths)], env, work / "logs-load.txt"
    )
    stages.append(Stage("load", seconds, peak))
    load_seconds = seconds
    # dbt reads the whole project only on the first run in a checkout; later runs (scripts/run.sh
    # keeps target/) re-read changed files only. Timed apart, so the build below is every later run.
    parse_seconds, parse_peak, _ = run_measured(
        [str(DBT), "parse", "--target-path", str(work / "target"), "--log-path", str(work / "dbt-logs")],
        env,
        work / "logs-dbt-parse.txt",
    )
    stages.append(
        Stage(
            "dbt parse (first run in a checkout only)",
            parse_seconds,
            parse_peak,
            "its own process; within a build it costs less (no second start-up)",
        )
    )
    build = dbt_build(env, work, "dbt build", FIRST_BUILD_OPTIONS)
    stages.append(build)
    full_run = load_seconds + build.seconds
    if arguments.reports:
        stages.extend(measure_reports(env, work))

    if arguments.incremental:
        stages.extend(measure_incremental(arguments, paths, env, work, full_run))
    return full_run


def measure_spark(paths: list[Path], env: dict[str, str], work: Path, stages: list[Stage]) -> float:
    """The Spark stages as scripts/spark-run.sh runs them, in a lake of the work folder; returns their sum."""
    lake = work / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    spark_env = {**env, "BALANCE_SYNC_LAKE": str(lake), "BALANCE_SYNC_DB": str(lake / "balance_sync.duckdb")}
    spark_env = {**spark_env, **spark_environment(spark_env)}
    master = spark_env["SPARK_MASTER"]
    seconds, peak, _ = run_measured(
        [str(PYTHON), "scripts/load_lake.py", "--lake", str(lake), "--master", master, *map(str, paths)],
        spark_env,
        work / "logs-lake-load.txt",
    )
    stages.append(Stage(f"lake load (Spark, {master})", seconds, peak, "Spark session start-up included"))
    build = dbt_build(
        spark_env,
        work,
        "dbt build (Spark)",
        ["--target", "spark", "--full-refresh", *PRODUCTION_BUILD_OPTIONS],
    )
    stages.append(build)
    return seconds + build.seconds


def spark_environment(env: dict[str, str]) -> dict[str, str]:
    """What scripts/spark-env.sh exports (Java, SPARK_HOME, the master), read from a shell that sources it."""
    names = ("JAVA_HOME", "SPARK_HOME", "PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "SPARK_LOCAL_IP", "SPARK_MASTER")
    script = "source scripts/spark-env.sh && " + " && ".join(f'printf "%s\\0" "${name}"' for name in names)
    output = subprocess.run(
        ["bash", "-c", script], cwd=REPO, env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(zip(names, output.split("\0")[: len(names)], strict=True))


if __name__ == "__main__":
    sys.exit(main())
