#!/usr/bin/env python3
"""Load CloudWatch log exports into DuckDB; see ``--help`` (logloader.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from logloader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
