"""Limits that keep one request from tying up the sandbox: nesting depth and number of selected fields.

Both are checked as validation rules, after parsing and before execution, with fragments expanded. The
introspection part of a query (`__schema`, `__type`) is not counted towards the depth: its depth is
bounded by the schema, and clients such as the magics' schema loader need it.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ASTValidationContext

MAX_DEPTH = 15
MAX_FIELDS = 2_000
MAX_TOKENS = 20_000


class _TooBig(Exception):
    pass


def _measure(
    selection_set: SelectionSetNode | None,
    context: ASTValidationContext,
    depth: int,
    visiting: frozenset[str],
    tally: list[int],
    max_fields: int,
) -> int:
    """Deepest field level under `selection_set`; adds its fields to tally[0] (stops past max_fields)."""
    if selection_set is None:
        return depth
    deepest = depth
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            tally[0] += 1
            if tally[0] > max_fields:
                raise _TooBig
            if selection.name.value.startswith("__") and selection.name.value != "__typename":
                continue
            deepest = max(deepest, _measure(selection.selection_set, context, depth + 1, visiting, tally, max_fields))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _measure(selection.selection_set, context, depth, visiting, tally, max_fields))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is None or name in visiting:
                continue
            deepest = max(
                deepest, _measure(fragment.selection_set, context, depth, visiting | {name}, tally, max_fields)
            )
    return deepest


def size_limit_rule(max_depth: int = MAX_DEPTH, max_fields: int = MAX_FIELDS) -> type[ASTValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` or selecting > `max_fields`."""

    class SizeLimitRule(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            tally = [0]
            try:
                depth = _measure(node.selection_set, self.context, 0, frozenset(), tally, max_fields)
            except _TooBig:
                self.report_error(
                    GraphQLError(
                        f"The operation selects more than {max_fields:,} fields (fragments expanded); the sandbox "
                        "allows at most that many. Select fewer fields or split the operation.",
                        node,
                    )
                )
                return
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"The operation is nested {depth} levels deep; the sandbox allows at most {max_depth}. "
                        "Ask for fewer nested objects, or split the operation.",
                        node,
                    )
                )

    return SizeLimitRule
