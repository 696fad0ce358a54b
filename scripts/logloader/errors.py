"""The loader's exceptions: each message says what was wrong and what to do."""

from __future__ import annotations


class LoaderError(Exception):
    """Base class for every error the loader raises on purpose."""


class RejectedFile(LoaderError):
    """One input file cannot be loaded; it is recorded as rejected and the run goes on."""


class InputNotFound(LoaderError):
    """A path given on the command line does not exist."""


class DatabaseBusy(LoaderError):
    """Another process holds the DuckDB file."""
