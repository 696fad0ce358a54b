"""Find the files behind each path given: a folder tree, a .zip, or one file.

Nothing is extracted to disk: zip members are opened in place. The kind of a
path is told by its bytes (zip magic ``PK\\x03\\x04``), not by its name, and
only a regular file is ever opened: a FIFO, socket or device is listed as a
problem without being opened (opening a FIFO waits for a writer forever). An
:class:`InputFile` is plain data (it can be sent to a worker process), opened
with :func:`open_input`.

Two names per file:

- ``location``, its identity: the resolved path of a file on disk (symbolic
  links followed), or for a zip member the resolved path of the zip, ``!``, the
  member path, and ``!N`` for the N-th member of the same name (N >= 2). One
  physical file has one location however it is named on the command line.
- ``source_file``, the name shown and stored: the path from the folder given,
  that folder's own name included (``logs/task/stream/000000.gz``); for a
  single file its parent folder's name and its own (``stream/000000.gz``); for
  a zip member the zip's name and the member path (``logs.zip/task/stream/...``).
  The folder that directly holds a file is always the last folder of its name.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from operator import attrgetter
from typing import BinaryIO, NamedTuple

from .errors import InputNotFound

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# What tells a file is unchanged without reading it: (size_bytes, mtime_ns, zip_crc32, zip_date_time).
Fingerprint = tuple[int, "int | None", "int | None", "str | None"]


class InputFile(NamedTuple):
    """One file to load (see the module's doc for ``location`` and ``source_file``).

    ``path`` is the file on disk, or the zip holding ``member`` (the
    ``member_index``-th entry of its directory). ``problem`` is set when the
    file is not to be opened (not a regular file, an unreadable folder, a
    corrupt zip): it is recorded as rejected with that reason.

    ``mtime_ns`` (a file on disk) or ``zip_crc32`` and ``zip_date_time`` (a zip
    member, from the zip's directory), with ``size_bytes``, tell that a file
    already loaded is unchanged without reading it (see :meth:`fingerprint`).
    """

    source_file: str
    size_bytes: int
    path: str
    location: str
    member: str | None = None
    member_index: int | None = None
    problem: str | None = None
    mtime_ns: int | None = None
    zip_crc32: int | None = None
    zip_date_time: str | None = None
    is_folder: bool = False  # a folder that could not be listed (with its problem)

    def open(self) -> BinaryIO:
        return open_input(self)

    def fingerprint(self) -> Fingerprint | None:
        """What says the file is unchanged since it was loaded, or None when nothing does."""
        if self.problem or (self.mtime_ns is None and self.zip_crc32 is None):
            return None
        return (self.size_bytes, self.mtime_ns, self.zip_crc32, self.zip_date_time)


class Notice(NamedTuple):
    """Something the listing tells the user (an empty folder or zip), among the files."""

    text: str


class Root(NamedTuple):
    """A path given on the command line, resolved: the files recorded under it that a run no
    longer finds are gone from the input (see :meth:`holds`)."""

    given: str
    location: str
    kind: str  # "folder", "zip" or "file"

    def holds(self, location: str) -> bool:
        if self.kind == "folder":
            return location.startswith(os.path.join(self.location, ""))
        if self.kind == "zip":
            return location.startswith(self.location + "!")
        return location == self.location


# Zip archives opened in this process, by path: a member is read through its archive's
# directory, read once per process (a forked worker opens its own: a file offset cannot be shared).
_archives: dict[str, zipfile.ZipFile] = {}
os.register_at_fork(after_in_child=_archives.clear)


def open_input(item: InputFile) -> BinaryIO:
    """Open an input file (a zip member in place) for reading bytes."""
    if item.member is None:
        return open(item.path, "rb", buffering=0)  # read in large pieces or whole: no buffer
    archive = _archives.get(item.path)
    if archive is None:
        archive = _archives[item.path] = zipfile.ZipFile(item.path)
    # by its directory entry, not its name: two members may share a name
    return archive.open(archive.infolist()[item.member_index or 0])  # type: ignore[return-value]


def close_archives() -> None:
    """Close the zip archives this process opened (the end of a load)."""
    for archive in _archives.values():
        archive.close()
    _archives.clear()


def _is_zip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)


def not_regular(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        kind = "a FIFO (named pipe)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
    return f"{kind}, not a log file: not opened; remove it from the input"


_by_name = attrgetter("name")


def _walk_folder(root: str, label: str) -> Iterator[InputFile]:
    """Every file under ``root``: a folder's files by name, then its subfolders by name (as
    ``os.walk`` with sorted names; symbolic links to folders are not followed). Plain strings
    and ``os.scandir`` (one ``stat`` per file): 94,000 files in one-file folders are listed
    in about 1.5 s, most of it in the kernel. A folder that cannot be listed is yielded as
    a problem (``source_file`` ending in ``/``)."""
    real_root = os.path.realpath(root)
    prefix = len(os.path.join(root, ""))
    pending = [root]
    while pending:
        directory = pending.pop()
        relative_directory = directory[prefix:].replace(os.sep, "/")
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=_by_name)
        except OSError as error:
            name = "/".join(part for part in (label, relative_directory) if part) + "/"
            yield InputFile(
                name,
                0,
                directory,
                os.path.realpath(directory),
                problem=f"cannot list the folder ({error.strerror}): its files are not loaded; "
                "make it readable and run again",
                is_folder=True,
            )
            continue
        subdirectories = []
        for entry in entries:
            try:
                is_directory = entry.is_dir()
            except OSError:
                is_directory = False
            if is_directory:
                if not entry.is_symlink():
                    subdirectories.append(entry.path)
                continue
            path = entry.path
            relative = path[prefix:].replace(os.sep, "/")
            name = f"{label}/{relative}" if label else relative
            if entry.is_symlink():
                location = os.path.realpath(path)
            else:
                location = os.path.join(real_root, relative)
            try:
                status = entry.stat()
            except OSError:
                yield InputFile(name, 0, path, location, problem="broken symbolic link")
                continue
            problem = not_regular(status.st_mode)
            if problem:
                yield InputFile(name, 0, path, location, problem=problem)
                continue
            yield InputFile(name, status.st_size, path, location, mtime_ns=status.st_mtime_ns)
        pending.extend(reversed(subdirectories))


def _walk_zip(path: str, label: str) -> Iterator[InputFile]:
    location = os.path.realpath(path)
    try:
        archive = zipfile.ZipFile(path)
        members = [(index, info) for index, info in enumerate(archive.infolist()) if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield InputFile(
            label,
            os.stat(path).st_size,
            path,
            location,
            problem=f"not a readable zip archive ({error}); re-create the archive",
        )
        return
    _archives[path] = archive
    occurrences: dict[str, int] = {}
    for index, info in sorted(members, key=lambda member: (member[1].filename, member[0])):
        occurrence = occurrences[info.filename] = occurrences.get(info.filename, 0) + 1
        suffix = f"!{occurrence}" if occurrence > 1 else ""
        yield InputFile(
            f"{label}/{info.filename}",
            info.file_size,
            path,
            f"{location}!{info.filename}{suffix}",
            member=info.filename,
            member_index=index,
            zip_crc32=info.CRC,
            zip_date_time="{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*info.date_time),
        )


def check_exists(path_text: str) -> None:
    """Raise :class:`InputNotFound` when ``path_text`` names nothing."""
    if not os.path.lexists(path_text):
        raise InputNotFound(f"{path_text}: no such file or folder; give a folder of logs, a .zip, or a log file")


def resolve_root(path_text: str) -> Root:
    """The path given, resolved; raises :class:`InputNotFound` when it names nothing."""
    check_exists(path_text)
    location = os.path.realpath(path_text)
    try:
        mode = os.stat(path_text).st_mode
    except OSError:
        return Root(path_text, location, "file")
    if stat.S_ISDIR(mode):
        return Root(path_text, location, "folder")
    if stat.S_ISREG(mode) and _is_zip(path_text):
        return Root(path_text, location, "zip")
    return Root(path_text, location, "file")


def _label(path_text: str) -> str:
    """The name the files under a path given start with: its last component (as written,
    symbolic links not resolved; ``.`` and ``..`` resolved)."""
    return os.path.basename(os.path.normpath(os.path.abspath(path_text)))


def iter_input_files(path_text: str) -> Iterator[InputFile]:
    """Yield every file behind ``path_text`` in a stable (sorted) order."""
    root = resolve_root(path_text)
    if root.kind == "folder":
        yield from _walk_folder(path_text, _label(path_text))
    elif root.kind == "zip":
        yield from _walk_zip(path_text, _label(path_text))
    else:
        absolute = os.path.normpath(os.path.abspath(path_text))
        name = "/".join(
            part for part in (os.path.basename(os.path.dirname(absolute)), os.path.basename(absolute)) if part
        )
        try:
            status = os.stat(path_text)
        except OSError as error:
            yield InputFile(name, 0, path_text, root.location, problem=f"cannot read it ({error.strerror})")
            return
        problem = not_regular(status.st_mode)
        if problem:
            yield InputFile(name, 0, path_text, root.location, problem=problem)
            return
        yield InputFile(name, status.st_size, path_text, root.location, mtime_ns=status.st_mtime_ns)
