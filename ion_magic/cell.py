"""A cell's text as a checked GraphQL operation: parsed (one operation, fragments allowed), validated against
the schema, mutations refused unless allowed. Errors point at the cell line, with a caret.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    Lexer,
    OperationDefinitionNode,
    OperationType,
    Source,
    TokenKind,
    parse,
    validate,
)

from .errors import IonSyntaxError, IonValidationError, MutationNotAllowedError, point_at

MAX_TOKENS = 200_000


@dataclass(frozen=True)
class ParsedCell:
    """The cell's text, its document, its one operation and the fragments it defines."""

    source: str
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation == OperationType.MUTATION

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None


def parse_cell(source: str, *, line_offset: int = 1) -> ParsedCell:
    """Parse one GraphQL document holding exactly one operation (fragments allowed)."""
    if not source.strip() or _only_comments(source):
        what = "only comments" if source.strip() else "nothing"
        raise IonSyntaxError(
            f"The text holds no GraphQL operation ({what}): write a query such as "
            "{ runs { edges { node { id } } } }."
        )
    try:
        document = parse(source, no_location=False, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        raise IonSyntaxError(_syntax_message(error, source, line_offset)) from None
    except RecursionError:
        raise IonSyntaxError("GraphQL syntax error: the document is nested too deeply to parse.") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(operations) != 1:
        found = "no operation" if not operations else f"{len(operations)} operations"
        raise IonSyntaxError(f"Give exactly one operation; this text has {found}.")
    if operations[0].operation == OperationType.SUBSCRIPTION:
        raise IonSyntaxError("Subscriptions are not supported: use a query or a mutation.")
    return ParsedCell(source, document, operations[0], fragments)


def _only_comments(source: str) -> bool:
    try:
        return Lexer(Source(source)).advance().kind == TokenKind.EOF
    except GraphQLSyntaxError:
        return False


def _syntax_message(error: GraphQLSyntaxError, source: str, line_offset: int) -> str:
    """The parser's message with a caret; at the end of the text, the last line and the unclosed brace."""
    lines = source.rstrip().splitlines()
    location = error.locations[0] if error.locations else None
    if location is None or (location.line <= len(lines) and "<EOF>" not in error.message):
        return _with_location(error.message, source, error, line_offset)
    message = error.message
    opened = _unclosed_brace(source)
    if opened is not None:
        message = (
            f"The text ends before the {{ at line {opened[0] + line_offset}, column {opened[1]} is "
            f"closed: a }} is missing. ({error.message})"
        )
    pointer = point_at(source, len(lines), len(lines[-1]) + 1, line_offset=line_offset)
    return f"{message}\n{pointer}" if pointer else message


def _unclosed_brace(source: str) -> tuple[int, int] | None:
    """(line, column) of the innermost `{` never closed, reading tokens until the first lexing error."""
    opened: list[tuple[int, int]] = []
    lexer = Lexer(Source(source))
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind == TokenKind.BRACE_L:
                opened.append((token.line, token.column))
            elif token.kind == TokenKind.BRACE_R and opened:
                opened.pop()
            token = lexer.advance()
    except GraphQLSyntaxError:
        pass
    return opened[-1] if opened else None


# Cell texts that validated against a schema: re-running a cell skips validation (about 1 ms).
_VALID_SOURCES: weakref.WeakKeyDictionary[GraphQLSchema, set[str]] = weakref.WeakKeyDictionary()


def validate_cell(cell: ParsedCell, schema: GraphQLSchema | None, *, line_offset: int = 1) -> None:
    """Check the operation against the schema before anything is sent (no-op without a schema)."""
    if schema is None or cell.source in _VALID_SOURCES.get(schema, ()):
        return
    try:
        errors = validate(schema, cell.document)
    except RecursionError:
        raise IonValidationError("The operation is nested too deeply to validate.") from None
    if not errors:
        _VALID_SOURCES.setdefault(schema, set()).add(cell.source)
    else:
        shown = [_with_location(error.message, cell.source, error, line_offset) for error in errors[:3]]
        more = f"\n(and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise IonValidationError("\n".join(shown) + more)


def _with_location(message: str, source: str, error: GraphQLError, line_offset: int) -> str:
    if error.locations:
        location = error.locations[0]
        pointer = point_at(source, location.line, location.column, line_offset=line_offset)
        if pointer:
            return f"{message}\n{pointer}"
    return message


def check_mutation_allowed(cell: ParsedCell, allow_mutation: bool) -> None:
    """Refuse a mutation unless the caller allowed it (before anything is sent)."""
    if cell.is_mutation and not allow_mutation:
        raise MutationNotAllowedError(
            "This cell is a mutation: it would change data in ION. Nothing was sent. "
            "Run it again with --allow-mutation if that is what you want."
        )
