"""Offset cursors: when a page's cursors are graphene's (base64 of `arrayconnection:<offset>`), the `after`
cursors of the next pages are known in advance, so several pages can be in flight at once.

The server's totalCount only says how far ahead it is worth asking (`OffsetSchedule`, lazy: a slot is made
when a request is about to be sent); `hasNextPage` decides where the pull ends. Every page is checked against
what offset paging promises (`check_page`); anything else means the data moved under the pull (DataMoved),
and the caller fetches again one page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cursors import decode_offset, encode_offset

# A totalCount above this is taken for a lie (or a table no notebook should pull page by page).
MAX_TRUSTED_TOTAL = 100_000_000


class DataMoved(Exception):
    """The connection changed while it was being pulled (rows added or removed)."""


@dataclass(frozen=True)
class PageSlot:
    start: int  # offset of the page's first row
    size: int

    @property
    def after(self) -> str:
        return encode_offset(self.start - 1)


class OffsetSchedule:
    """The pages after the row at offset `end`, made one at a time, up to the announced total."""

    def __init__(self, end: int, total_hint: int, page_size: int, rows_wanted: int | None) -> None:
        self.next_start = end + 1
        self.total_hint = total_hint
        self.limit = None if rows_wanted is None else end + 1 + rows_wanted
        self.page_size = page_size

    @classmethod
    def after_page(
        cls, end_cursor: Any, total_count: Any, page_size: int | None, rows_wanted: int | None
    ) -> OffsetSchedule | None:
        """A schedule when the cursors are offsets and the total is a plausible hint, else None."""
        end = decode_offset(end_cursor)
        if end is None or not page_size or not _plausible_total(total_count, end):
            return None
        return cls(end, total_count, page_size, rows_wanted)

    def take(self) -> PageSlot | None:
        """The next page to ask for (whole pages: the total is only a hint), or None once it is covered."""
        if self.next_start >= self.total_hint:
            return None
        size = self.page_size if self.limit is None else min(self.page_size, self.limit - self.next_start)
        if size < 1:
            return None
        slot = PageSlot(self.next_start, size)
        self.next_start += size
        return slot


def _plausible_total(total: Any, end: int) -> bool:
    return type(total) is int and end < total <= MAX_TRUSTED_TOTAL


def check_page(
    slot: PageSlot, rows: int, page_info: dict[str, Any], has_next_page: bool, first_total: int | None
) -> None:
    """Raise DataMoved unless the page holds the rows offset paging promises for `slot`.

    A page may be short only when it says it is the last one."""
    total = page_info.get("totalCount")
    if first_total is not None and total is not None and total != first_total:
        raise DataMoved(f"The total changed from {first_total} to {total} during the pull.")
    if rows != slot.size and (has_next_page or rows > slot.size):
        raise DataMoved(f"The page after offset {slot.start - 1} held {rows} rows, not {slot.size}.")
    if rows == 0:
        return
    start = decode_offset(page_info.get("startCursor")) if "startCursor" in page_info else slot.start
    end = decode_offset(page_info.get("endCursor"))
    if start != slot.start or end != slot.start + rows - 1:
        raise DataMoved(f"The page after offset {slot.start - 1} does not follow the previous one.")
