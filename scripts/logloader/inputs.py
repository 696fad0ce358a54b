"""Find the files behind each path given: a folder tree, a .zip, or one file.

Nothing is extracted to disk: zip members are opened in place. The kind of a
path is told by its bytes (zip magic ``PK\\x03\\x04``), not by its name.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputNotFound

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


@dataclass(frozen=True)
class InputFile:
    """One file to load.

    ``source_file`` is its path relative to the input root: the folder given,
    the zip's own member path, or the path as given for a single file.
    ``problem`` is set when the file cannot even be opened (a corrupt zip).
    """

    source_file: str
    size_bytes: int
    open: Callable[[], BinaryIO]
    problem: str | None = None


def _is_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) in (ZIP_MAGIC, EMPTY_ZIP_MAGIC)


def _walk_folder(root: Path) -> Iterator[InputFile]:
    paths: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        paths.extend(Path(directory) / name for name in sorted(files))
    for path in paths:
        relative = path.relative_to(root).as_posix()
        if path.is_symlink() and not path.exists():
            yield InputFile(relative, 0, path.open, problem="broken symbolic link")
            continue
        yield InputFile(relative, path.stat().st_size, _opener(path))


def _opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: path.open("rb")


def _walk_zip(path: Path, label: str) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield InputFile(
            label,
            path.stat().st_size,
            _opener(path),
            problem=f"not a readable zip archive ({error}); re-create the archive",
        )
        return
    for info in sorted(members, key=lambda member: member.filename):
        yield InputFile(
            info.filename,
            info.file_size,
            _zip_member_opener(archive, info),
        )


def _zip_member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    return lambda: archive.open(info)  # type: ignore[return-value]


def iter_input_files(path_text: str) -> Iterator[InputFile]:
    """Yield every file behind ``path_text`` in a stable (sorted) order."""
    path = Path(path_text)
    if not path.exists():
        raise InputNotFound(f"{path_text}: no such file or folder; give a folder of logs, a .zip, or a log file")
    if path.is_dir():
        yield from _walk_folder(path)
    elif _is_zip(path):
        yield from _walk_zip(path, os.path.normpath(path_text))
    else:
        yield InputFile(os.path.normpath(path_text), path.stat().st_size, _opener(path))
