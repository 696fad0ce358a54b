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


class HelperStopped(LoaderError):
    """A process the loader started (the listing, or a worker reading files) ended before
    its work was done: killed, or out of memory. What was committed is kept."""

    def __init__(self, process: str) -> None:
        super().__init__(
            f"{process} ended unexpectedly (killed, or out of memory?); "
            "the files committed so far are kept: run the loader again to load the rest"
        )
