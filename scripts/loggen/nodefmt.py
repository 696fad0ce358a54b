"""Text formatting that mimics Node.js (``util.inspect``, ``Number#toString``) and id makers."""

from __future__ import annotations

import random
import re
from decimal import Decimal

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x27\x5c\x7f-\x9f]")
_NEEDS_ESCAPE_NO_QUOTE = re.compile(r"[\x00-\x1f\x5c\x7f-\x9f]")
_NAMED_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\\": "\\\\", "'": "\\'"}


def js_number(value: float) -> str:
    """Format a float the way JavaScript prints a number (``8`` not ``8.0``; shortest round-trip).

    Both languages print the shortest digits that round-trip; they differ in
    when they switch to exponent notation. JavaScript writes plain notation
    from 1e-6 up to 1e21 and ``1.5e-7`` / ``1e+21`` (no zero padding) outside,
    Python already below 1e-4 and with a padded exponent (``1.5e-07``). Float
    noise such as ``0.1 + 0.2 - 0.3`` reaches those small numbers.
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    if abs(value) >= 1e-6 and abs(value) < 1e21:
        return format(Decimal(text), "f")
    return f"{mantissa}e{int(exponent):+d}"


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    return f"\\x{ord(char):02X}"


def js_string(text: str) -> str:
    """Quote a string like ``util.inspect``: single quotes, else double, else backticks when both occur."""
    if "'" not in text:
        quote, pattern = "'", _NEEDS_ESCAPE_NO_QUOTE
    elif '"' not in text:
        quote, pattern = '"', _NEEDS_ESCAPE_NO_QUOTE
    elif "`" not in text and "${" not in text:
        quote, pattern = "`", _NEEDS_ESCAPE_NO_QUOTE
    else:
        quote, pattern = "'", _NEEDS_ESCAPE
    return quote + pattern.sub(_escape_char, text) + quote


def hex_string(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(length * 4):0{length}x}"


def uuid4(rng: random.Random) -> str:
    h = hex_string(rng, 32)
    variant = "89ab"[rng.getrandbits(2)]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def request_uuid(rng: random.Random) -> str:
    """Lambda request ids of SQS-triggered invocations look like version-5 UUIDs."""
    h = hex_string(rng, 32)
    variant = "89ab"[rng.getrandbits(2)]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


def ulid(rng: random.Random, epoch_ms: int) -> str:
    """A ULID: 10 Crockford base-32 characters of milliseconds, 16 of randomness (sortable by time)."""
    value = (epoch_ms << 80) | rng.getrandbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))
