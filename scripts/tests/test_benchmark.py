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
