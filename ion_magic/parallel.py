"""Parallel paging over offset cursors: when the first page shows graphene's offset cursors
(base64 of `arrayconnection:<offset>`) and a totalCount, the remaining pages' `after` cursors are known in
advance, so several can be in flight at once. Every page is checked against what offset paging promises;
anything else means the data moved under the pull (DataMoved), and the caller fetches again one page at a
time. Pages reach the frame builder strictly in order, so an interrupted pull keeps a gap-free prefix."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

OFFSET_PREFIX = "arrayconnection:"


class DataMoved(Exception):
    """The connection changed while it was being pulled (rows added or removed)."""


def decode_offset(cursor: Any) -> int | None:
    """The offset inside a graphene/graphql-relay cursor, or None for any other cursor format."""
    if not isinstance(cursor, str):
        return None
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not text.startswith(OFFSET_PREFIX) or not text[len(OFFSET_PREFIX):].isdigit():
        return None
    return int(text[len(OFFSET_PREFIX):])


def encode_offset(offset: int) -> str:
    return base64.b64encode(f"{OFFSET_PREFIX}{offset}".encode()).decode()


@dataclass(frozen=True)
class PageSlot:
    start: int  # offset of the page's first row
    size: int

    @property
    def after(self) -> str:
        return encode_offset(self.start - 1)


def schedule(end_cursor: Any, total_count: Any, page_size: int, rows_wanted: int | None) -> list[PageSlot] | None:
    """The pages after a first page ending at `end_cursor`, or None when the cursors are not offsets."""
    end = decode_offset(end_cursor)
    if end is None or not isinstance(total_count, int) or page_size < 1:
        return None
    remaining = total_count - (end + 1)
    if rows_wanted is not None:
        remaining = min(remaining, rows_wanted)
    slots, start = [], end + 1
    while remaining > 0:
        size = min(page_size, remaining)
        slots.append(PageSlot(start, size))
        start += size
        remaining -= size
    return slots


def check_page(slot: PageSlot, connection: dict[str, Any], edges: list[Any], page_info: dict[str, Any],
               total_count: int) -> None:
    """Raise DataMoved unless the page holds exactly the rows offset paging promises for `slot`."""
    if page_info.get("totalCount") != total_count:
        raise DataMoved(f"The total changed from {total_count} to {page_info.get('totalCount')} during the pull.")
    if len(edges) != slot.size:
        raise DataMoved(f"The page after offset {slot.start - 1} held {len(edges)} rows, not {slot.size}.")
    start = decode_offset(page_info.get("startCursor")) if "startCursor" in page_info else slot.start
    end = decode_offset(page_info.get("endCursor"))
    if start != slot.start or end != slot.start + slot.size - 1:
        raise DataMoved(f"The page after offset {slot.start - 1} does not follow the previous one.")


def fetch_in_order(fetch: Callable[[PageSlot], dict[str, Any] | None], slots: list[PageSlot],
                   concurrency: int) -> Iterator[tuple[PageSlot, dict[str, Any] | None]]:
    """Fetch the slots with at most `concurrency` requests in flight; yield the answers in slot order."""
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ion-page")
    pending: list[tuple[PageSlot, Future]] = []
    upcoming = iter(slots)
    try:
        for slot in upcoming:
            pending.append((slot, pool.submit(fetch, slot)))
            if len(pending) >= concurrency:
                break
        while pending:
            slot, future = pending.pop(0)
            answer = future.result()
            next_slot = next(upcoming, None)
            if next_slot is not None:
                pending.append((next_slot, pool.submit(fetch, next_slot)))
            yield slot, answer
    finally:
        # An interrupt or a failure must not wait for requests still in flight: their answers are dropped.
        pool.shutdown(wait=False, cancel_futures=True)
