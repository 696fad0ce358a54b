"""Land AWS Lambda CloudWatch log exports losslessly in raw DuckDB tables.

The package is split by job: :mod:`inputs` finds the files behind a path
(folder tree, zip, single file), :mod:`reader` turns one file's bytes into
numbered lines (or says why it cannot), :mod:`events` cuts the lines of many
files at once into CloudWatch events (vectorised, no loop per line),
:mod:`workers` does both for groups of files in worker processes, :mod:`store`
writes the events to ``raw.log_events`` atomically per file (on a writer
thread), and :mod:`cli` is the thin command-line layer that runs them.
"""
