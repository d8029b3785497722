"""The one walk over a selection set: the fields it selects, in order, with named and inline fragments
flattened and `@skip`/`@include` applied, each with the type it is selected on.

The planner, the nested-connection rewrite and the frame planner all read a selection through it, so they
agree on what a cell selects. A directive whose variable has no value keeps its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)

from .errors import IonValidationError

Parent = GraphQLNamedType | None  # the type a field is selected on (None: not known, no schema)


class UnknownFragmentError(IonValidationError, ValueError):
    """A spread names a fragment the document does not define (only possible without a schema to validate)."""


def response_key(node: FieldNode) -> str:
    """The key of the field in the answer: its alias, else its name."""
    return (node.alias or node.name).value


def declared_type(parent: Parent, name: str) -> GraphQLOutputType | None:
    """The type the schema declares for field `name` of an object or interface type (None: not known)."""
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found = parent.fields.get(name)
        return None if found is None else found.type
    return None


@dataclass(frozen=True)
class SelectionScope:
    """What a walk needs besides the selection: the operation's fragments, its variable values, the schema
    (to resolve a fragment's type condition)."""

    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any] = field(default_factory=dict)
    schema: GraphQLSchema | None = None

    def fields_on(self, selection_set: SelectionSetNode | None, parent: Parent) -> list[tuple[FieldNode, Parent]]:
        """The fields selected, in order, each with the type it is selected on (a fragment spread twice in one
        selection set counts once). An unknown fragment is an error."""
        found: list[tuple[FieldNode, Parent]] = []
        if selection_set is not None:
            self._gather(selection_set, parent, found, set())
        return found

    def fields(self, selection_set: SelectionSetNode | None) -> list[FieldNode]:
        """The fields selected, in order."""
        return [node for node, _ in self.fields_on(selection_set, None)]

    def child(self, selection_set: SelectionSetNode | None, name: str) -> FieldNode | None:
        """The first field named `name` that the selection set selects."""
        return next((node for node in self.fields(selection_set) if node.name.value == name), None)

    def included(self, selection: SelectionNode) -> bool:
        """False when `@skip` or `@include` leaves the selection out."""
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((arg.value for arg in directive.arguments or () if arg.name.value == "if"), None)
            if isinstance(condition, BooleanValueNode):
                value = condition.value
            elif isinstance(condition, VariableNode) and condition.name.value in self.variables:
                value = bool(self.variables[condition.name.value])
            else:
                continue
            if value == (name == "skip"):
                return False
        return True

    def _gather(
        self, selection_set: SelectionSetNode, parent: Parent, found: list[tuple[FieldNode, Parent]], spread: set[str]
    ) -> None:
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                found.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = parent if condition is None else self.condition_type(condition.name.value, parent)
                self._gather(selection.selection_set, on, found, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in spread:
                    continue
                spread.add(name)
                fragment = self.fragments.get(name)
                if fragment is None:
                    raise UnknownFragmentError(f"unknown fragment {name!r}")
                on = self.condition_type(fragment.type_condition.name.value, parent)
                self._gather(fragment.selection_set, on, found, spread)

    def condition_type(self, name: str, parent: Parent) -> Parent:
        """The type a fragment's condition names: the schema's, else the parent or a member of a parent
        union, else the parent itself."""
        if self.schema is not None:
            named = self.schema.get_type(name)
            if named is not None:
                return named
        if parent is not None and parent.name == name:
            return parent
        if isinstance(parent, GraphQLUnionType):
            member = next((member for member in parent.types if member.name == name), None)
            if member is not None:
                return member
        return parent
