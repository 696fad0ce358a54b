"""Load CloudWatch log exports into the lake's raw tables (Parquet), reading on a Spark cluster.

The lake (``$BALANCE_SYNC_LAKE``) holds the same two raw tables as the DuckDB
loader (``logloader``), in Spark's warehouse layout so dbt-spark reads them as
the ``raw`` schema: ``warehouse/raw.db/log_files`` (the books: one row per file
seen) and ``warehouse/raw.db/log_events`` (every CloudWatch event). The files
are read, checked and cut into events by the loader's own per-file code
(``logloader.workers.read_group``) inside Spark tasks, each writing its events
as one Parquet file; the driver keeps the books and commits (:mod:`.lake`).
"""
