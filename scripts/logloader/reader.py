"""Turn one input file's bytes into numbered text lines, or say why not.

Gzip or plain text is told by the bytes (gzip magic ``1f 8b``). The file is
streamed in chunks: only the lines of one chunk (plus a partial last line) are
held in memory. A line is the text between two ``\\n``; its ``\\r`` (CRLF files)
is kept, so the stored text is exactly the file's. Invalid UTF-8 is replaced
by U+FFFD and the file is flagged.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .errors import RejectedFile
from .inputs import EMPTY_ZIP_MAGIC, ZIP_MAGIC, InputFile

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 4 * 1024 * 1024
# A text log holds no NUL byte and few control or undecodable bytes; past this
# share in the first chunk, the file is binary (an image, an archive...).
BINARY_SHARE = 0.10
SAMPLE_BYTES = 8 * 1024
CONTROL_BYTES = bytes(byte for byte in range(0x20) if byte not in b"\t\n\r\f\v\x1b")
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Guards against decompression bombs and runaway lines."""

    max_file_bytes: int = 4096 * MEGABYTE
    max_line_bytes: int = 256 * MEGABYTE


@dataclass
class LineBatch:
    """Consecutive lines of one file; ``first_line_number`` is 1-based."""

    first_line_number: int
    lines: list[str]


@dataclass
class FileFacts:
    """What reading the whole file established (filled in as it is read)."""

    sha256: str = ""
    line_count: int = 0
    decompressed_bytes: int = 0
    is_gzip: bool = False
    has_invalid_utf8: bool = False
    hasher: "hashlib._Hash" = field(default_factory=hashlib.sha256, repr=False)


class _HashingReader:
    """A read-only stream that hashes every byte read through it."""

    def __init__(self, raw: BinaryIO, facts: FileFacts) -> None:
        self._raw = raw
        self._facts = facts
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._facts.hasher.update(data)
        self.bytes_read += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK_BYTES):
            pass


def _decode(data: bytes, facts: FileFacts) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        facts.has_invalid_utf8 = True
        return data.decode("utf-8", errors="replace")


def _decompressed_chunks(stream: _HashingReader, facts: FileFacts) -> Iterator[bytes]:
    head = stream.read(2)
    if head == GZIP_MAGIC:
        facts.is_gzip = True
        unzipped = gzip.GzipFile(fileobj=_Prepend(head, stream), mode="rb")
        try:
            while chunk := unzipped.read(CHUNK_BYTES):
                yield chunk
        except EOFError as error:
            raise RejectedFile(f"truncated gzip: {error}; the file was cut short, export it again") from error
        except (gzip.BadGzipFile, zlib.error, OSError) as error:
            raise RejectedFile(f"corrupt gzip: {error}; export the file again") from error
        return
    first = head + stream.read(CHUNK_BYTES)
    if first:
        yield first
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


class _Prepend:
    """Put back bytes already read in front of a stream."""

    def __init__(self, head: bytes, stream: _HashingReader) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            if size < 0:
                return head + self._stream.read(size)
            return head + self._stream.read(max(size - len(head), 0))
        return self._stream.read(size)


def _check_text(chunk: bytes, facts: FileFacts) -> None:
    if chunk.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        raise RejectedFile("a zip archive inside the input; give the .zip itself as a PATH")
    if _looks_binary(chunk[:SAMPLE_BYTES]):
        where = " after gzip decompression" if facts.is_gzip else ""
        raise RejectedFile(f"binary data{where}, not a text log")


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    undecodable = sample.decode("utf-8", errors="replace").count("\ufffd")
    return controls + undecodable > BINARY_SHARE * max(len(sample), 1)


def read_lines(item: InputFile, facts: FileFacts, limits: Limits = Limits()) -> Iterator[LineBatch]:
    """Yield the file's lines in batches; raise :class:`RejectedFile` on bad input.

    ``facts`` is completed when the generator is exhausted (and, for the hash
    and size, also when it raised), so a rejected file still has a sha256.
    """
    if item.problem:
        raise RejectedFile(item.problem)
    with item.open() as raw:
        stream = _HashingReader(raw, facts)
        try:
            yield from _numbered_batches(_decompressed_chunks(stream, facts), facts, limits)
        finally:
            stream.drain()
            facts.sha256 = facts.hasher.hexdigest()
    if stream.bytes_read == 0:
        raise RejectedFile("empty file (0 bytes)")
    if facts.decompressed_bytes == 0:
        raise RejectedFile("empty gzip (it holds no data)")


def _numbered_batches(chunks: Iterator[bytes], facts: FileFacts, limits: Limits) -> Iterator[LineBatch]:
    pending = b""
    next_line_number = 1
    first = True
    for chunk in chunks:
        if first:
            _check_text(chunk, facts)
            first = False
        elif b"\x00" in chunk:
            raise RejectedFile("binary data (NUL bytes) inside the log text")
        facts.decompressed_bytes += len(chunk)
        if facts.decompressed_bytes > limits.max_file_bytes:
            raise RejectedFile(
                f"decompressed size passes the limit of {limits.max_file_bytes // MEGABYTE} MB "
                "(a decompression bomb?); raise --max-file-mb to load it"
            )
        data = pending + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            pending = data
            if len(pending) > limits.max_line_bytes:
                raise RejectedFile(
                    f"a line longer than {limits.max_line_bytes // MEGABYTE} MB; raise --max-line-mb to load it"
                )
            continue
        pending = data[cut + 1 :]
        lines = _decode(data[:cut], facts).split("\n")
        yield LineBatch(next_line_number, lines)
        next_line_number += len(lines)
    if pending:
        yield LineBatch(next_line_number, [_decode(pending, facts)])
        next_line_number += 1
    facts.line_count = next_line_number - 1
