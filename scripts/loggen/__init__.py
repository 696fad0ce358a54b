"""Deterministic generator of AWS Lambda CloudWatch export logs (see DOMAIN.md section 2).

Modules, one job each:
- ``nodefmt``: Node.js ``util.inspect``/number formatting, ids (UUID, ULID) from a seeded RNG.
- ``catalog``: fixed vocabularies (currencies, actions, message texts).
- ``stream``: builds one log stream (one file) and records what it wrote.
- ``truth``: applies the business rules of DOMAIN.md section 3 (Decimal) to what was written.
- ``broken``: deliberately bad files and how a loader must treat each.
- ``output``: shards, multiprocessing, folder/zip writing and the answer key.
"""

from __future__ import annotations

__all__ = ["GeneratorConfig", "generate"]

from .output import GeneratorConfig, generate
