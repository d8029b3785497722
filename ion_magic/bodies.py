"""Reading a response body within its bounds: its size once decompressed, one deadline for the whole read,
and JSON decoding that never raises past the transport (it becomes None or a TransportError)."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator
from typing import Any

import orjson

from .errors import TransportError

ACCEPTED_ENCODINGS = "gzip, deflate"  # decoded here with a bounded output, chunk by chunk


class DeadlineExceeded(Exception):
    """The whole request took longer than the transport's timeout (however fast each read was)."""


class ResponseTooLarge(Exception):
    """The body grew past the limit once decompressed."""


class UndecodableBody(Exception):
    """The body's Content-Encoding is not one we asked for, or its compressed stream is broken."""


def read_body(chunks: Iterator[bytes], encoding: str, limit: int, deadline: float) -> bytes:
    """The decoded body, at most `limit` bytes, read before `deadline` (checked as each chunk arrives; a
    silent server is cut by the per-read timeout). Decompression never produces more than the room left."""
    coding = encoding.strip().lower()
    if coding in ("", "identity"):
        inflater = None
    elif coding in ("gzip", "deflate", "x-gzip"):
        inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib or gzip header, detected
    else:
        raise UndecodableBody(f"it is sent with Content-Encoding {coding[:40]!r}, which was not asked for.")
    parts: list[bytes] = []
    size = 0

    def keep(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > limit:
            raise ResponseTooLarge
        parts.append(piece)

    try:
        for chunk in chunks:
            if time.monotonic() > deadline:
                raise DeadlineExceeded
            if inflater is None:
                keep(chunk)
                continue
            pending = chunk
            while pending:
                keep(inflater.decompress(pending, limit - size + 1))
                pending = inflater.unconsumed_tail
        if inflater is not None:
            keep(inflater.flush(limit - size + 1))
            if not inflater.eof:
                raise zlib.error
    except zlib.error:
        raise UndecodableBody(f"its {coding} stream is broken or cut short.") from None
    return b"".join(parts)


def decode_json(content: bytes) -> Any:
    """orjson for speed (JSON decoding is half a large pull's client time); the standard library for what
    orjson refuses (integers beyond 64 bits); None for a body that is not JSON."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        try:
            return json.loads(content)
        except RecursionError:
            raise TransportError("The server answered with JSON nested too deeply to read.") from None
        except ValueError:
            return None
