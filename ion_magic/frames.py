"""Connection nodes -> one typed pandas DataFrame, driven by the GraphQL selection under ``node``.

``plan_frame`` (in ``ion_magic.frame_plan``) gives each selected leaf a column and a kind (see
``ion_magic.dtypes``). ``FrameBuilder`` is fed one page of nodes at a time: it copies each column's
values out of the decoded JSON as the page arrives, so the pages can be dropped, and builds every column once
in ``finish()``.

The frame has one row per non-null node and one column per selected leaf, named by its response-key path
(``part.partNumber``), in selection order. A null nested object gives nulls in all its columns; a list stays
one column of Python lists unless it is exploded: ``explode="steps"`` gives one row per element of ``steps``
with the element's leaves as ``steps.*`` columns and the node's columns repeated (a node whose list is empty
or null keeps one row, with nulls in the ``steps.*`` columns); ``"steps.fields"`` explodes both lists.
The index is a fresh ``RangeIndex``.

A value of the wrong shape never raises: a leaf value that does not fit its kind turns the column into an
object column (see ``ion_magic.dtypes``); a non-object value where an object was selected is kept in an
extra object column named by the object's path, placed before the object's columns.

Without a schema (``parent_type=None``) the kinds are inferred from the values when the frame is built: a
leaf holding objects is flattened into dotted columns as ``pandas.json_normalize`` would, and a field with a
sub-selection that turns out to hold lists (or scalars) becomes one object column of those values in place
of its dotted columns. ``plan.columns`` then lists the columns the selection asks for, which the frame may
refine in these two ways. Values of unknown kind are kept as Python objects until ``finish()``.
"""

import gc
import weakref
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from ion_magic.dtypes import ArrayLike, ColumnValues, object_array
from ion_magic.frame_plan import Column, FramePlan


def rows_per_node(plan: FramePlan, nodes: Sequence[Mapping[str, Any] | None]) -> list[int]:
    """The frame rows each node makes: 0 for a null node, else one per element of the exploded lists (an
    empty or null list still makes one row)."""
    within = []
    previous: tuple[str, ...] = ()
    for path in plan.levels:
        within.append(path[len(previous) :])
        previous = path
    return [0 if node is None else _rows_of(node, within) for node in nodes]


def _rows_of(value: Any, within: list[tuple[str, ...]]) -> int:
    if not within:
        return 1
    for key in within[0]:
        value = value.get(key) if isinstance(value, Mapping) else None
    if value.__class__ is list and value:
        return sum(_rows_of(element, within[1:]) for element in value)
    return _rows_of(None if value.__class__ is list else value, within[1:])


class _Leaf:
    __slots__ = ("column", "values")

    def __init__(self, column: Column) -> None:
        self.column = column
        self.values = ColumnValues(column.kind, column.enum_values)

    def take(self, values: Sequence, base: int) -> None:
        self.values.extend(values)


class _Group:
    """The selection below one object: its leaves and nested objects, extracted together."""

    __slots__ = ("_getter", "children", "keys", "path", "saw_object", "strange", "typed")

    def __init__(self, path: tuple[str, ...], typed: bool) -> None:
        self.path = path
        self.typed = typed
        self.keys: list[str | None] = []
        self.children: list[_Leaf | _Group] = []
        self.strange: dict[int, Any] = {}  # row -> a non-object value found where this object was selected
        self.saw_object = False

    def child(self, key: str | None, make: Any) -> Any:
        if key in self.keys:
            return self.children[self.keys.index(key)]
        self.keys.append(key)
        self.children.append(make())
        self._getter = (itemgetter(*self.keys), (None,) * len(self.keys))
        return self.children[-1]

    def take(self, items: Sequence, base: int) -> None:
        """Extract the values under this object from `items` (objects or None), rows base, base + 1, ..."""
        if self.keys == [None]:  # the elements of an exploded list of scalars
            self.children[0].take(items, base)
            return
        try:
            columns = self._columns(items)
        except (TypeError, AttributeError):  # some items are not objects
            items = self._set_aside(items, base)
            columns = self._columns(items)
        if not self.typed and not self.saw_object:
            self.saw_object = any(item is not None for item in items)
        for child, values in zip(self.children, columns, strict=True):
            child.take(values, base)

    def _columns(self, items: Sequence) -> list[Sequence]:
        """The values of each key across `items`: one C-level lookup of all keys per item when every item
        has every key (the usual case), else dict.get per key."""
        keys = self.keys
        if not keys:
            return []
        try:
            if len(keys) == 1:
                key = keys[0]
                return [[None if item is None else item[key] for item in items]]
            if not items:
                return [() for _ in keys]
            getter, nulls = self._getter
            return list(zip(*[nulls if item is None else getter(item) for item in items], strict=True))
        except KeyError:  # a key missing: fields of another type condition
            return [[None if item is None else item.get(key) for item in items] for key in keys]

    def _set_aside(self, items: Sequence, base: int) -> list:
        if not self.path:
            kinds = sorted({type(item).__name__ for item in items if not isinstance(item, Mapping | None)})
            raise TypeError(f"nodes must be JSON objects or null, got {', '.join(kinds)}")
        kept = []
        for row, item in enumerate(items, base):
            if item is None or isinstance(item, Mapping):
                kept.append(item)
            else:
                self.strange[row] = item
                kept.append(None)
        return kept

    @property
    def replaced(self) -> bool:
        """An untyped field that held lists or scalars, never objects: one column of its values instead."""
        return not self.typed and not self.saw_object and bool(self.strange)


class _Level:
    """The rows of one level: the nodes, or the elements of an exploded list (one row per element)."""

    def __init__(self, path: tuple[str, ...], within: tuple[str, ...], typed: bool) -> None:
        self.path = path
        self.within = within  # keys from an element of the enclosing level to this list
        self.root = _Group(path, typed)
        self.counts: list[int] = []  # per row of the enclosing level: its rows here
        self.rows = 0

    def elements(self, parents: list) -> list:
        values = parents
        for key in self.within:
            values = [value.get(key) if isinstance(value, Mapping) else None for value in values]
        elements: list = []
        counts = self.counts
        for value in values:
            if value.__class__ is list and value:
                elements += value
                counts.append(len(value))
            else:
                elements.append(None if value.__class__ is list else value)
                counts.append(1)
        return elements


# Kinds whose columns keep the decoded JSON containers (lists, objects) until the frame is built.
_CONTAINER_KINDS = frozenset({"list", "object", "unknown"})


class _CollectorPause:
    """Keeps the containers a pull holds out of the cyclic garbage collector's passes until the frame is built.

    Each full collection walks every tracked container alive, so a pull keeping one JSON object or list per
    row spends about as long in the collector as in all its other work. After each page the objects alive
    are moved to the collector's permanent generation (`gc.freeze()`, a constant-time splice; refcounting
    still frees them), and moved back when the frame is built or the builder dropped. The page's own cyclic
    garbage (the HTTP client's request objects) is collected first, by a pass over the young objects only,
    so that it is not kept until the end. Not used when the collector is off or when something else froze
    objects already.
    """

    def __init__(self) -> None:
        self._thaw: weakref.finalize | None = None

    def after_page(self, owner: object) -> None:
        if self._thaw is None:
            if not gc.isenabled() or gc.get_freeze_count():
                return
            self._thaw = weakref.finalize(owner, gc.unfreeze)
        gc.collect(1)
        gc.freeze()

    def end(self) -> None:
        if self._thaw is not None:
            self._thaw()


class FrameBuilder:
    """Builds the frame of a `FramePlan` from pages of nodes; `rows` counts the frame's rows so far and
    `null_nodes` the null nodes skipped."""

    def __init__(self, plan: FramePlan) -> None:
        self.plan = plan
        self.null_nodes = 0
        self._finished = False
        keeps_containers = any(column.kind in _CONTAINER_KINDS for column in plan.columns)
        self._collector = _CollectorPause() if keeps_containers else None
        self._levels = [_Level((), (), True)]
        for path in plan.levels:
            self._levels.append(_Level(path, path[len(self._levels[-1].path) :], path not in plan.untyped))
        self._groups: dict[tuple[str, ...], tuple[int, _Group]] = {
            level.path: (index, level.root) for index, level in enumerate(self._levels) if level.path
        }
        self._leaves: dict[str, tuple[int, _Leaf]] = {}
        for column in plan.columns:
            index = max(i for i, level in enumerate(self._levels) if column.path[: len(level.path)] == level.path)
            group = self._levels[index].root
            for depth in range(len(group.path) + 1, len(column.path)):
                path = column.path[:depth]
                group = group.child(path[-1], lambda path=path: _Group(path, path not in plan.untyped))
                self._groups[path] = (index, group)
            key = column.path[-1] if len(column.path) > len(group.path) else None
            self._leaves[column.name] = (index, group.child(key, lambda column=column: _Leaf(column)))

    @property
    def rows(self) -> int:
        return self._levels[-1].rows

    @property
    def nodes(self) -> int:
        """Non-null nodes taken so far (fewer than `rows` when a list is exploded)."""
        return self._levels[0].rows

    def add_nodes(self, nodes: Sequence[Mapping[str, Any] | None]) -> None:
        """Take one page of nodes; the builder keeps no reference to them."""
        if self._finished:
            raise RuntimeError("FrameBuilder.add_nodes() after finish()")
        items = [node for node in nodes if node is not None]
        self.null_nodes += len(nodes) - len(items)
        for level in self._levels:
            if level.path:
                items = level.elements(items)
            level.root.take(items, level.rows)
            level.rows += len(items)
        if self._collector is not None:
            self._collector.after_page(self)

    def finish(self) -> pd.DataFrame:
        """The frame of every node added so far (the builder cannot be fed afterwards)."""
        self._finished = True
        if self._collector is not None:
            self._collector.end()
        positions = self._positions()
        arrays: dict[str, ArrayLike] = {}
        placed: set[tuple[str, ...]] = set()
        for column in self.plan.columns:
            if self._place_groups(column.path, positions, arrays, placed):
                continue
            index, leaf = self._leaves[column.name]
            for suffix, array in leaf.values.finish():
                arrays[".".join((column.name, *suffix))] = _taken(array, positions[index])
        rows = self.rows
        series = {
            name: pd.Series(array, dtype=object if isinstance(array, np.ndarray) else None, copy=False)
            for name, array in arrays.items()
        }
        return pd.DataFrame(series, index=pd.RangeIndex(rows), copy=False)

    def _positions(self) -> list[np.ndarray | None]:
        """For each level, the row of that level behind each frame row (None: the frame's own rows)."""
        positions: list[np.ndarray | None] = [None] * len(self._levels)
        behind = None
        for index in range(len(self._levels) - 1, 0, -1):
            counts = np.asarray(self._levels[index].counts, dtype=np.int64)
            parents = np.repeat(np.arange(self._levels[index - 1].rows, dtype=np.int64), counts)
            behind = parents if behind is None else parents[behind]
            positions[index - 1] = behind
        return positions

    def _place_groups(
        self,
        path: tuple[str, ...],
        positions: list[np.ndarray | None],
        arrays: dict[str, ArrayLike],
        placed: set[tuple[str, ...]],
    ) -> bool:
        """Place the strange-value columns of the objects enclosing `path`; True when one replaces them."""
        for depth in range(1, len(path)):
            found = self._groups.get(path[:depth])
            if found is None:
                continue
            index, group = found
            if path[:depth] not in placed:
                placed.add(path[:depth])
                if group.strange:
                    values = [None] * self._levels[index].rows
                    for row, value in group.strange.items():
                        values[row] = value
                    arrays[".".join(path[:depth])] = _taken(object_array(values), positions[index])
            if group.replaced:
                return True
        return False


def _taken(array: ArrayLike, positions: np.ndarray | None) -> ArrayLike:
    return array if positions is None else array.take(positions)


def build_frame(nodes: Sequence[Mapping[str, Any] | None], plan: FramePlan) -> pd.DataFrame:
    """The frame of one list of nodes."""
    builder = FrameBuilder(plan)
    builder.add_nodes(nodes)
    return builder.finish()
