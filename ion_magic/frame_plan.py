"""The columns of a frame, planned from the GraphQL selection under ``node`` before any row arrives.

``plan_frame`` reads the selection (fragments merged by response key in first-seen order, ``@skip`` and
``@include`` applied: see ``ion_magic.selection``) and, with the schema type of the node, gives each selected
leaf a column and a kind (see ``ion_magic.dtypes``). A list field stays one column of lists unless it is
exploded (``explode="steps"``, or a chain such as ``("steps", "steps.fields")``); the plan then lists the
levels whose elements become rows. A nested connection counts as the list of its nodes. ``frames.py`` builds
the frame of a plan.

Without a schema (``parent_type=None``) the kinds are left ``unknown`` and fields with a sub-selection are
marked untyped: the builder infers them from the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLOutputType,
    GraphQLSchema,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
)

from .dtypes import leaf_kind
from .nested import connection_parts, is_connection_type, node_type_of
from .selection import Parent, SelectionScope, declared_type, response_key


@dataclass(frozen=True)
class Column:
    """One leaf selected under the node."""

    name: str  # response-key path joined with ".", e.g. "part.partNumber"
    path: tuple[str, ...]  # response keys, e.g. ("part", "partNumber")
    kind: str  # see ion_magic.dtypes
    enum_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class FramePlan:
    """The columns of a frame and how its rows are made."""

    columns: tuple[Column, ...]
    explode: tuple[str, ...] | None = None  # response-key path of the exploded list
    # Paths of the lists whose elements become rows, outermost first: ("steps",), ("steps", "fields").
    # Without a schema every field on the explode path counts (an object there is a one-element list).
    levels: tuple[tuple[str, ...], ...] = ()
    # Paths of fields with a sub-selection whose type is unknown (no schema): objects or lists, seen at run time.
    untyped: frozenset[tuple[str, ...]] = frozenset()


class ExplodePathError(ValueError):
    """`explode` does not name a list field of the selection."""

    def __init__(self, explode: str, reason: str, list_paths: Sequence[str]) -> None:
        self.explode = explode
        self.list_paths = tuple(list_paths)
        valid = ", ".join(self.list_paths) if self.list_paths else "none"
        super().__init__(f"cannot explode {explode!r}: {reason}; list fields in the selection: {valid}")


@dataclass
class _Selected:
    """A response key of a selection with its fields merged across fragments."""

    key: str
    kind: str  # leaf kind; "list" for a list field with or without a sub-selection
    enum_values: tuple[str, ...]
    element: tuple[str, tuple[str, ...]]  # kind and enum values of a list's elements
    children: dict[str, _Selected] | None  # None for a leaf
    typed: bool  # the field's type is known


def plan_frame(
    selection_set: SelectionSetNode | None,
    parent_type: GraphQLOutputType | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    explode: str | Sequence[str] | None = None,
    *,
    variables: Mapping[str, Any] | None = None,
    schema: GraphQLSchema | None = None,
) -> FramePlan:
    """Columns for the selection under ``node`` (or under a single-object root / mutation payload).

    `parent_type` None means no schema is known: kinds are inferred from the values. `variables` (the
    operation's coerced variable values) decide ``@skip``/``@include`` on a variable; a directive whose
    variable is missing keeps its field. `schema` resolves fragment type conditions that are neither the
    parent type nor a member of a parent union (fields under an unresolved condition are looked up on the
    parent type, else get kind ``unknown``).
    """
    planner = _Planner(SelectionScope(fragments, variables or {}, schema))
    selected = planner.merged([(selection_set, _named(parent_type))])
    explode_path = _explode_path(explode, selected)
    columns: list[Column] = []
    levels: list[tuple[str, ...]] = []
    untyped: set[tuple[str, ...]] = set()
    _lay_out(selected, (), explode_path, columns, levels, untyped)
    return FramePlan(tuple(columns), explode_path, tuple(levels), frozenset(untyped))


def _named(type_: GraphQLOutputType | None) -> GraphQLNamedType | None:
    return None if type_ is None else get_named_type(type_)


class _Planner:
    """Merges the fields of selection sets by response key, each with what its type says."""

    def __init__(self, scope: SelectionScope) -> None:
        self.scope = scope

    def merged(self, selections: list[tuple[SelectionSetNode | None, Parent]]) -> dict[str, _Selected]:
        """The fields of several selection sets on their parent types, merged by response key."""
        fields: dict[str, list[tuple[FieldNode, Parent]]] = {}
        for selection_set, parent in selections:
            for node, on in self.scope.fields_on(selection_set, parent):
                fields.setdefault(response_key(node), []).append((node, on))
        return {key: self._selected(key, found) for key, found in fields.items()}

    def _selected(self, key: str, found: list[tuple[FieldNode, Parent]]) -> _Selected:
        name = found[0][0].name.value
        if name == "__typename":
            return _Selected(key, "string", (), ("unknown", ()), None, True)
        types = [declared_type(parent, field.name.value) for field, parent in found]
        known = [type_ for type_ in types if type_ is not None]
        field_type = known[0] if known else None
        nullable = get_nullable_type(field_type) if field_type is not None else None
        is_list = isinstance(nullable, GraphQLList)
        element = leaf_kind(nullable.of_type) if isinstance(nullable, GraphQLList) else ("unknown", ())
        with_selection = [(field, type_) for (field, _), type_ in zip(found, types, strict=True) if field.selection_set]
        if field_type is not None and is_connection_type(get_named_type(field_type)):
            nodes = [
                (parts[1], node_type_of(_named(type_)))
                for field, type_ in with_selection
                if (parts := connection_parts(field, self.scope)) is not None
            ]
            if nodes:  # a nested connection: a list of its nodes, as the page loop unwraps it
                children = self.merged([(node.selection_set, type_) for node, type_ in nodes if node.selection_set])
                return _Selected(key, "list", (), ("object", ()), children, True)
        if with_selection:
            children = self.merged([(field.selection_set, _named(type_)) for field, type_ in with_selection])
            kind = "list" if is_list else ("object" if known else "unknown")
            return _Selected(key, kind, (), element, children, bool(known))
        kinds = {leaf_kind(type_) for type_ in known} or {("unknown", ())}
        kind, enum_values = kinds.pop() if len(kinds) == 1 else ("unknown", ())
        return _Selected(key, kind, enum_values, element, None, bool(known))


def _explodable(selected: dict[str, _Selected], prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Paths of the fields that may be exploded: list fields, and fields whose type is unknown."""
    paths = []
    for key, field in selected.items():
        path = (*prefix, key)
        if field.kind in ("list", "unknown"):
            paths.append(path)
        if field.children is not None:
            paths += _explodable(field.children, path)
    return paths


def _explode_path(explode: str | Sequence[str] | None, selected: dict[str, _Selected]) -> tuple[str, ...] | None:
    """The deepest of the explode paths, which must form one chain ("steps", "steps.fields")."""
    if explode is None or (not isinstance(explode, str) and not explode):
        return None
    paths = sorted({tuple(text.split(".")) for text in ([explode] if isinstance(explode, str) else explode)}, key=len)
    for path in paths:
        _check_explode(".".join(path), path, selected)
    deepest = paths[-1]
    for path in paths[:-1]:
        if deepest[: len(path)] != path:
            raise ExplodePathError(
                ".".join(path),
                f"it is not on the way to {'.'.join(deepest)!r}: exploding two unrelated lists "
                "would pair every element of one with every element of the other; explode one at a time",
                [".".join(candidate) for candidate in _explodable(selected, ())],
            )
    return deepest


def _check_explode(explode: str, path: tuple[str, ...], selected: dict[str, _Selected]) -> None:
    explodable = _explodable(selected, ())
    if path in explodable:
        return
    names = [".".join(candidate) for candidate in explodable]
    fields: dict[str, _Selected] | None = selected
    for key in path:
        field = None if fields is None else fields.get(key)
        if field is None:
            raise ExplodePathError(explode, "no such field in the selection", names)
        fields = field.children
    raise ExplodePathError(explode, "it is not a list field", names)


def _lay_out(
    selected: dict[str, _Selected],
    prefix: tuple[str, ...],
    explode: tuple[str, ...] | None,
    columns: list[Column],
    levels: list[tuple[str, ...]],
    untyped: set[tuple[str, ...]],
) -> None:
    for key, field in selected.items():
        path = (*prefix, key)
        name = ".".join(path)
        on_explode_path = explode is not None and explode[: len(path)] == path
        if on_explode_path and field.kind in ("list", "unknown"):
            levels.append(path)
        if field.children is None:
            if on_explode_path:
                kind, enum_values = field.element if field.kind == "list" else (field.kind, field.enum_values)
                columns.append(Column(name, path, kind, enum_values))
            else:
                columns.append(Column(name, path, field.kind, field.enum_values))
        elif field.kind == "list" and not on_explode_path:
            columns.append(Column(name, path, "list"))
        else:
            if not field.typed:
                untyped.add(path)
            _lay_out(field.children, path, explode, columns, levels, untyped)
