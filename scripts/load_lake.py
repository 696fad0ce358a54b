#!/usr/bin/env python3
"""Load CloudWatch log exports into the lake's raw Parquet tables on Spark; see ``--help`` (lakeloader.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lakeloader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
