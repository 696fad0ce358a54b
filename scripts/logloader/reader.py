"""Turn one input file's bytes into numbered text lines, or say why not.

Gzip or plain text is told by the bytes (gzip magic ``1f 8b``). A line is the
text between two ``\\n``; its ``\\r`` (CRLF files) is kept, so the stored text is
exactly the file's. Invalid UTF-8 is replaced by U+FFFD and the file is flagged.

Two ways to read, with the same outcome for any file:

- :func:`read_whole` reads a file that fits in one chunk (4 MB, as stored and as
  text, the export's usual file of a few KB) in one read, one sha256 call and one
  ISA-L (``isal``) decompression: about 30 µs for a 10 KB log, where streaming it
  costs several times that in Python bookkeeping. Anything unusual (a truncated,
  corrupt or multi-member gzip, an empty file) goes through the stream below, so
  every rejection says what it says there.
- :func:`read_segments` streams a file in chunks: only the lines of one chunk
  (plus a partial last line) are held in memory.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from isal import isal_zlib

from .errors import RejectedFile
from .inputs import EMPTY_ZIP_MAGIC, ZIP_MAGIC, InputFile

GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 4 * 1024 * 1024
# A text log holds no NUL byte (one anywhere rejects the file) and few control or
# undecodable bytes; past this share in the first 8 KB, the file is binary (an image...).
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
class Segment:
    """Consecutive whole lines of one file as UTF-8, joined by ``\\n`` without a
    final one; ``first_line_number`` is the 1-based number of its first line."""

    first_line_number: int
    text: bytes

    @property
    def line_count(self) -> int:
        return self.text.count(b"\n") + 1


@dataclass
class FileFacts:
    """What reading the whole file established (filled in as it is read)."""

    sha256: str = ""
    line_count: int = 0
    decompressed_bytes: int = 0
    is_gzip: bool = False
    has_invalid_utf8: bool = False


class _HashingReader:
    """A read-only stream that hashes every byte read through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.hasher = hashlib.sha256()
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.hasher.update(data)
        self.bytes_read += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK_BYTES):
            pass


def _valid_utf8(data: bytes, facts: FileFacts) -> bytes:
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        facts.has_invalid_utf8 = True
        return data.decode("utf-8", errors="replace").encode("utf-8")


def _decompressed_chunks(stream: _HashingReader, facts: FileFacts) -> Iterator[bytes]:
    head = stream.read(2)
    if head == GZIP_MAGIC:
        facts.is_gzip = True
        yield from _gunzip(head + stream.read(CHUNK_BYTES), stream)
        return
    first = head + stream.read(CHUNK_BYTES)
    if first:
        yield first
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _gunzip(data: bytes, stream: _HashingReader) -> Iterator[bytes]:
    """Decompress every gzip member, at most CHUNK_BYTES of output at a time."""
    decompressor = zlib.decompressobj(wbits=31)
    input_done = False
    while True:
        try:
            output = decompressor.decompress(data, CHUNK_BYTES)
        except zlib.error as error:
            raise RejectedFile(f"corrupt gzip: {error}; export the file again") from error
        if output:
            yield output
        data = decompressor.unconsumed_tail
        if decompressor.eof:
            data = decompressor.unused_data or stream.read(CHUNK_BYTES)
            if not data:
                return
            if not data.startswith(GZIP_MAGIC):
                raise RejectedFile("corrupt gzip: bytes that are not gzip after the end of the data")
            decompressor = zlib.decompressobj(wbits=31)
        elif not data and not input_done:
            data = stream.read(CHUNK_BYTES)
            input_done = not data
        elif not data and not output:
            raise RejectedFile("truncated gzip: the file ends before the gzip data does; export it again")


def _check_no_nul(chunk: bytes, facts: FileFacts) -> None:
    """A NUL byte anywhere in a file's text rejects the file: no log line holds one."""
    if b"\x00" in chunk:
        where = " after gzip decompression" if facts.is_gzip else ""
        raise RejectedFile(f"binary data{where} (a NUL byte), not a text log")


def _check_text(chunk: bytes, facts: FileFacts) -> None:
    """The checks of a file's first chunk: text, not a zip or binary data."""
    if chunk.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        raise RejectedFile("a zip archive inside the input; give the .zip itself as a PATH")
    _check_no_nul(chunk, facts)
    if _looks_binary(chunk[:SAMPLE_BYTES]):
        where = " after gzip decompression" if facts.is_gzip else ""
        raise RejectedFile(f"binary data{where}, not a text log")


def _looks_binary(sample: bytes) -> bool:
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    undecodable = sample.decode("utf-8", errors="replace").count("\ufffd")
    return controls + undecodable > BINARY_SHARE * max(len(sample), 1)


def _check_size(decompressed_bytes: int, limits: Limits) -> None:
    if decompressed_bytes > limits.max_file_bytes:
        raise RejectedFile(
            f"decompressed size passes the limit of {limits.max_file_bytes // MEGABYTE} MB "
            "(a decompression bomb?); raise --max-file-mb to load it"
        )


def _check_line(unfinished_line: bytes, limits: Limits) -> None:
    if len(unfinished_line) > limits.max_line_bytes:
        raise RejectedFile(f"a line longer than {limits.max_line_bytes // MEGABYTE} MB; raise --max-line-mb to load it")


def read_segments(
    item: InputFile, facts: FileFacts, limits: Limits = Limits(), data: bytes | None = None
) -> Iterator[Segment]:
    """Yield the file's lines in segments; raise :class:`RejectedFile` on bad input.

    ``data``: the file's bytes when already read (else the file is opened).
    ``facts`` is completed when the generator is exhausted (and, for the hash
    and size, also when it raised), so a rejected file still has a sha256.
    """
    if item.problem:
        raise RejectedFile(item.problem)
    with item.open() if data is None else io.BytesIO(data) as raw:
        stream = _HashingReader(raw)
        try:
            yield from _segments(_decompressed_chunks(stream, facts), facts, limits)
        finally:
            stream.drain()
            facts.sha256 = stream.hasher.hexdigest()
    if stream.bytes_read == 0:
        raise RejectedFile("empty file (0 bytes)")
    if facts.decompressed_bytes == 0:
        raise RejectedFile("empty gzip (it holds no data)")


def _segments(chunks: Iterator[bytes], facts: FileFacts, limits: Limits) -> Iterator[Segment]:
    pending = b""
    next_line_number = 1
    first = True
    for chunk in chunks:
        if first:
            _check_text(chunk, facts)
            first = False
        else:
            _check_no_nul(chunk, facts)
        facts.decompressed_bytes += len(chunk)
        _check_size(facts.decompressed_bytes, limits)
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            pending = data
            _check_line(pending, limits)
            continue
        pending = data[cut + 1 :]
        segment = Segment(next_line_number, _valid_utf8(data[:cut], facts))
        next_line_number += segment.line_count
        yield segment
    if pending:
        yield Segment(next_line_number, _valid_utf8(pending, facts))
        next_line_number += 1
    facts.line_count = next_line_number - 1


def read_small(item: InputFile) -> bytes | None:
    """The bytes of a file of at most one chunk, read in one call; None for a bigger file
    (or one that cannot be opened), which is streamed."""
    if item.problem or item.size_bytes > CHUNK_BYTES:
        return None
    with item.open() as handle:
        data = handle.read(item.size_bytes + 1)
    return data if len(data) <= item.size_bytes else None  # grown since it was listed: streamed


def read_whole(
    item: InputFile, facts: FileFacts, limits: Limits, hold_bytes: int, data: bytes | None = None
) -> bytes | None:
    """The file's text with every line ended by ``\\n`` (valid UTF-8: the lines
    :func:`read_segments` yields), or None when it passes ``hold_bytes`` (the caller
    streams it). ``data``: the file's bytes from :func:`read_small`, if read.
    Raises :class:`RejectedFile`."""
    if data is not None:
        facts.sha256 = hashlib.sha256(data).hexdigest()
        text = _one_chunk_text(data, facts, limits)
        if text is not None:
            return text
    segments = []
    held = 0
    reader = read_segments(item, facts, limits, data)
    for segment in reader:
        segments.append(segment.text)
        held += len(segment.text)
        if held > hold_bytes:
            reader.close()
            return None
    return b"\n".join(segments) + b"\n"


def _one_chunk_text(data: bytes, facts: FileFacts, limits: Limits) -> bytes | None:
    """A file of one chunk as :func:`read_segments` reads it (one gzip member or plain text,
    not empty, at most CHUNK_BYTES of text); None for anything else, which it reads instead."""
    is_gzip = data[:2] == GZIP_MAGIC
    if is_gzip:
        decompressor = isal_zlib.decompressobj(wbits=31)
        try:
            text = decompressor.decompress(data, CHUNK_BYTES + 1)
        except isal_zlib.error:
            return None
        if not decompressor.eof or decompressor.unused_data or len(text) > CHUNK_BYTES:
            return None
    else:
        text = data
    if not text:
        return None
    facts.is_gzip = is_gzip
    _check_text(text, facts)
    facts.decompressed_bytes = len(text)
    _check_size(facts.decompressed_bytes, limits)
    if b"\n" not in text:
        _check_line(text, limits)
    text = _valid_utf8(text, facts)
    facts.line_count = text.count(b"\n")
    if not text.endswith(b"\n"):
        facts.line_count += 1
        text += b"\n"
    return text


def sha256_of(item: InputFile, data: bytes | None = None) -> str:
    """The file's sha256 without decompressing it ('' when it cannot be read);
    ``data``: its bytes, when already read."""
    if item.problem:
        return ""
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    try:
        with item.open() as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
