"""graphene's offset cursors (base64 of `arrayconnection:<offset>`), the one codec for the client, the
sandbox and the benchmarks; it imports nothing of either side."""

from __future__ import annotations

import base64
import binascii
from typing import Any

OFFSET_PREFIX = "arrayconnection:"


def encode_offset(offset: int) -> str:
    return base64.b64encode(f"{OFFSET_PREFIX}{offset}".encode()).decode()


def decode_offset(cursor: Any) -> int | None:
    """The offset inside a graphene/graphql-relay cursor, or None for any other cursor format."""
    if not isinstance(cursor, str):
        return None
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    digits = text[len(OFFSET_PREFIX) :]
    if not text.startswith(OFFSET_PREFIX) or not (digits.isascii() and digits.isdigit()):
        return None
    return int(digits)
