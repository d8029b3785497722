"""The errors a user can cause or meet, and how they are shown: one message, the cell line, a caret."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class IonError(Exception):
    """An error whose message is the whole story: the magic shows it without a traceback."""


class IonSyntaxError(IonError):
    """The cell is not valid GraphQL."""


class IonValidationError(IonError):
    """The operation does not fit the schema."""


class MissingVariableError(IonError):
    """A required `$variable` has no value in the namespace."""


class MutationNotAllowedError(IonError):
    """A mutation was run without --allow-mutation."""


class NotLoggedInError(IonError):
    """No login yet, or the login was forgotten."""


class AuthError(IonError):
    """The auth server refused the credentials or could not be reached."""


class TransportError(IonError):
    """HTTP failure, timeout or a connection problem that outlasted the retries."""

    def __init__(self, message: str, *, write_uncertain: bool = False) -> None:
        super().__init__(message)
        self.write_uncertain = write_uncertain


class ServerError(IonError):
    """The server answered with GraphQL `errors`; whatever data came with them is kept."""

    def __init__(self, message: str, errors: Sequence[dict[str, Any]], data: Any = None) -> None:
        super().__init__(message)
        self.errors = list(errors)
        self.data = data


class IncompleteResultError(IonError):
    """A pull ended before its last row (or a root failed): `value` holds what came, `resume` where each
    incomplete root can go on (`after=`), `reasons` why each stopped."""

    def __init__(self, message: str, value: Any, resume: dict[str, str | None], reasons: dict[str, str]) -> None:
        super().__init__(message)
        self.value = value
        self.resume = resume
        self.reasons = reasons


class IncompleteResultWarning(UserWarning):
    """`strict=False`: the partial result was returned; the warning says what is missing."""


def point_at(source: str, line: int, column: int, *, line_offset: int = 0, file: str | None = None) -> str:
    """The source line `line` (1-based) with a caret under `column`, labelled as a cell line (or as a line
    and column of `file`, for text read from a file)."""
    lines = source.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    label = (
        f"{file} line {line}, column {column}: "
        if file
        else f"{'cell line' if line_offset else 'line'} {line + line_offset}: "
    )
    shown = text if len(text) <= 200 else text[: max(column + 40, 80)] + " …"
    return f"{label}{shown}\n{' ' * (len(label) + column - 1)}^"


def describe_graphql_errors(errors: Sequence[dict[str, Any]], limit: int = 5) -> str:
    """Server `errors` as short lines, each with its path when the server gave one."""
    lines = []
    for error in errors[:limit]:
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        path = error.get("path") if isinstance(error, dict) else None
        where = " at " + ".".join(str(p) for p in path) if path else ""
        lines.append(f"- {message}{where}")
    if len(errors) > limit:
        lines.append(f"- … and {len(errors) - limit} more")
    return "\n".join(lines)
