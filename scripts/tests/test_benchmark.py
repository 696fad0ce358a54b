"""The benchmark's choice of the files a daily export adds (--new-files latest)."""

from __future__ import annotations

import benchmark


def test_latest_files_are_those_of_the_last_day_in_the_stream_names() -> None:
    sources = [
        "group/2024-01-02-[$LATEST]bbb/000000.gz",
        "group/2024-01-10-[$LATEST]aaa/000000.gz",
        "group/2023-12-31-[$LATEST]zzz/000000.gz",
        "other/2024/01/09/[$LATEST]ccc/000000.gz",
    ]
    ordered = sorted(sources, key=benchmark.export_date)
    assert ordered[-2:] == ["other/2024/01/09/[$LATEST]ccc/000000.gz", "group/2024-01-10-[$LATEST]aaa/000000.gz"]


def test_files_without_a_day_count_as_oldest() -> None:
    assert sorted(["a/2024-01-01-s/x.gz", "b/undated.gz"], key=benchmark.export_date)[0] == "b/undated.gz"


def test_peak_memory_is_reported_in_million_byte_megabytes(tmp_path) -> None:
    """A child that holds 300 * 10^6 bytes is reported at about 300 MB: not 286 (MiB), not 273."""
    import sys

    held = 300_000_000
    child = f"import time; block = bytearray({held}); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.2)"
    _, peak_mb, code = benchmark.run_measured([sys.executable, "-c", child], {}, tmp_path / "log.txt")
    assert code == 0
    # the interpreter itself adds some tens of MB on top of what the child holds
    assert held / 1e6 <= peak_mb <= held / 1e6 + 60, peak_mb


def test_peak_memory_counts_every_process_of_the_stage(tmp_path) -> None:
    """Two children holding 150 * 10^6 bytes each at the same time are reported at about 300 MB,
    not at the 150 MB of the larger one."""
    import sys

    held = 150_000_000
    child = f"import time; block = bytearray({held}); block[::4096] = b'x' * len(block[::4096]); time.sleep(2.5)"
    parent = (
        f"import subprocess, sys; children = [subprocess.Popen([sys.executable, '-c', {child!r}]) "
        "for _ in range(2)]; [c.wait() for c in children]"
    )
    _, peak_mb, code = benchmark.run_measured([sys.executable, "-c", parent], {}, tmp_path / "log.txt")
    assert code == 0
    assert 2 * held / 1e6 <= peak_mb <= 2 * held / 1e6 + 120, peak_mb
