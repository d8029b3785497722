"""The request-scoped types every part of the sandbox's GraphQL engine shares: rows, resolvers, the store
as a request sees it, and the context of one request. It imports nothing else of the sandbox, so the
engine's modules all depend on it and never on each other in a circle.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

Row = dict[str, Any]
"""A row of the store, keyed by column name, which is also the GraphQL field name."""

Resolver = Callable[..., Any]

ME_USER_ID = 1
"""The sandbox's API user: whom `me` returns and whom every change is made by."""


class RowStore(Protocol):
    """What a request reads and writes through (`store.Store` is the implementation)."""

    @property
    def changes(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def rows(self, table: str, query: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any: ...

    def get(self, table: str, row_id: int) -> Row | None: ...

    def by_ids(self, table: str, ids: Iterable[int]) -> list[Row]: ...


@dataclass
class RequestStats:
    """What one request did, for the HTTP layer's fault model."""

    unpaginated_rows: int = 0
    """Rows returned by connections asked for without first/last (ION answers those with a 502 when big)."""


class OffsetHints:
    """Where deep pages start: the id of the row at an offset of an id-ordered source, learnt from earlier pages.

    A client walking a connection asks for offset N right after a page that ended at N - 1; with the hint the
    next page is a seek (`id > ?`) instead of an OFFSET scan. Hints hold only while the store is unchanged
    (they are keyed by its change counter), so answers are exactly those of OFFSET. The caller keys them by
    its row source and gives only id-ordered ones.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._version: int | None = None
        self._hints: dict[tuple[Hashable, int], int] = {}

    def lookup(self, version: int, source: Hashable, offset: int) -> int | None:
        if version != self._version:
            return None
        return self._hints.get((source, offset))

    def remember(self, version: int, source: Hashable, offset: int, row_id: int) -> None:
        if version != self._version or len(self._hints) >= self._capacity:
            self._hints.clear()
            self._version = version
        self._hints[(source, offset)] = row_id


class RequestContext:
    """State of one GraphQL request: the store, its statistics and the caches of batched loads."""

    __slots__ = ("_siblings", "objects", "offset_hints", "related", "stats", "store")

    def __init__(self, store: RowStore, stats: RequestStats, offset_hints: OffsetHints) -> None:
        self.store = store
        self.stats = stats
        self.offset_hints = offset_hints
        self.objects: dict[str, dict[Any, Row | None]] = {}
        self.related: dict[str, dict[Any, Any]] = {}
        self._siblings: dict[int, list[Row]] = {}

    def remember(self, rows: list[Row]) -> list[Row]:
        """Record rows as one batch of siblings; returns them."""
        siblings = self._siblings
        for row in rows:
            siblings[id(row)] = rows
        return rows

    def siblings(self, row: Row) -> list[Row]:
        return self._siblings.get(id(row)) or [row]

    def forget(self) -> None:
        """Drop the caches (after a mutation changed the store)."""
        self.objects.clear()
        self.related.clear()
        self._siblings.clear()
