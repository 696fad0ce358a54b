"""The loader's exceptions: each message says what was wrong and what to do.

``LoaderError`` is the base of every error raised on purpose; the command line
prints its message and exits with status 2 (:class:`InputNotFound`) or 3 (the
rest). :class:`RejectedFile` never leaves a run: the file is recorded as
rejected with the message and the run goes on.
"""

from __future__ import annotations


class LoaderError(Exception):
    """Base class for every error the loader raises on purpose."""


class RejectedFile(LoaderError):
    """One input file cannot be loaded; it is recorded as rejected and the run goes on."""


class InputNotFound(LoaderError):
    """A path given on the command line does not exist."""


class DatabaseError(LoaderError):
    """The DuckDB file cannot be opened or used."""


class DatabaseFolderMissing(DatabaseError):
    """The folder that should hold the DuckDB file does not exist."""


class DatabaseReadOnly(DatabaseError):
    """The DuckDB file, or the folder that should hold it, cannot be written."""


class DatabaseBusy(DatabaseError):
    """Another process holds the DuckDB file."""


class DatabaseOutdated(DatabaseError):
    """The DuckDB file holds raw tables of another layout (an earlier version of the loader)."""


class HelperStopped(LoaderError):
    """A process the loader started (the listing, or a worker reading files) ended before
    its work was done: killed, or out of memory. What was committed is kept."""

    def __init__(self, process: str) -> None:
        super().__init__(
            f"{process} ended unexpectedly (killed, or out of memory?); "
            "the files committed so far are kept: run the loader again to load the rest"
        )
