"""Where a root's rows go as the pages arrive: a DataFrame (`FrameSink`), one row holding a scalar
(`ScalarSink`), or the data as the server shaped it (`RawSink`). Files are written by `output.OutputSink`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .frames import FrameBuilder, rows_per_node
from .operation import RootPlan
from .rewrite import CURSOR_ALIAS, PAGE_INFO_ALIAS


class FrameSink:
    """Rows into a DataFrame, page by page."""

    def __init__(self, builder: FrameBuilder) -> None:
        self.builder = builder

    @property
    def rows(self) -> int:
        return self.builder.rows

    @property
    def nodes(self) -> int:
        return self.builder.nodes

    @property
    def null_nodes(self) -> int:
        return self.builder.null_nodes

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return rows_per_node(self.builder.plan, nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        self.builder.add_nodes(nodes)

    def finish(self) -> pd.DataFrame:
        return self.builder.finish()


class ScalarSink:
    """A scalar root: one row holding the value."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.values: list[Any] = []

    @property
    def rows(self) -> int:
        return len(self.values)

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return [1] * len(nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        self.values += nodes

    def finish(self) -> pd.DataFrame:
        return pd.DataFrame({self.key: self.values or [None]})


class RawSink:
    """The data as the server shaped it: a connection's edges of every page merged into one list (its other
    fields as the last page gave them), without the fields the magic added for paging."""

    def __init__(self, root: RootPlan) -> None:
        self.root = root
        self.edges: list[Any] = []
        self.value: Any = None
        self.last_page: Mapping[str, Any] = {}

    @property
    def rows(self) -> int:
        return len(self.edges)

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return [1] * len(nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        if self.root.paging is None:
            self.value = nodes[0] if self.root.shape != "list" and nodes else nodes
            self.edges = list(nodes)
            return
        self.edges += [
            {k: v for k, v in edge.items() if k != CURSOR_ALIAS} if isinstance(edge, dict) else edge for edge in edges
        ]
        self.last_page = connection or {}

    def finish(self) -> Any:
        if self.root.paging is None:
            return self.value
        edges_key = self.root.paging.edges_key
        merged = {
            key: self.edges if key == edges_key else value
            for key, value in self.last_page.items()
            if key != PAGE_INFO_ALIAS
        }
        merged.setdefault(edges_key, self.edges)
        return merged
