"""Land AWS Lambda CloudWatch log exports losslessly in a raw DuckDB table.

The package is split by job: :mod:`inputs` finds the files behind a path
(folder tree, zip, single file), :mod:`reader` turns one file's bytes into
numbered lines (or says why it cannot), :mod:`store` writes them to DuckDB
atomically per file, and :mod:`cli` is the thin command-line layer.
"""
