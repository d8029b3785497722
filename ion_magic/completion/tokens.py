"""GraphQL tokens of a half-typed document: a tokenizer that never fails, and the scans over its tokens that
completion needs (where the replaced name starts, whether the cursor sits in a string or comment, the
fragments defined, the keys already given further on)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

_NAME_START = frozenset("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_NAME_CONTINUE = _NAME_START | _DIGITS
_NUMBER_CONTINUE = _NAME_CONTINUE | frozenset(".+-")
_PUNCTUATORS = frozenset("!$&()[]{}:=@|")
_IGNORED = frozenset(" \t\r\n,\ufeff")
_OPENERS = frozenset("([{")
CLOSERS = frozenset(")]}")

TokenKind = Literal["name", "punct", "number", "string", "comment", "other"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    value: str  # the text for names, punctuators and stray characters; "" for strings and comments
    start: int
    end: int
    closed: bool = True  # False for a string whose closing quote is missing


def tokenize(text: str) -> list[Token]:
    """GraphQL lexical tokens that never fail: an unfinished string ends at its line (block string: at the end)."""
    tokens: list[Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        start = index
        if char in _IGNORED:
            index += 1
            continue
        if char == "#":
            index = _line_end(text, index)
            tokens.append(Token("comment", "", start, index))
        elif char in _NAME_START:
            index += 1
            while index < length and text[index] in _NAME_CONTINUE:
                index += 1
            tokens.append(Token("name", text[start:index], start, index))
        elif char in _DIGITS or char == "-":
            index += 1
            while index < length and text[index] in _NUMBER_CONTINUE:
                index += 1
            tokens.append(Token("number", text[start:index], start, index))
        elif text.startswith('"""', index):
            close = text.find('"""', index + 3)
            while close != -1 and text[close - 1] == "\\":
                close = text.find('"""', close + 1)
            index = length if close == -1 else close + 3
            tokens.append(Token("string", "", start, index, closed=close != -1))
        elif char == '"':
            index, closed = _string_end(text, index + 1)
            tokens.append(Token("string", "", start, index, closed=closed))
        elif text.startswith("...", index):
            index += 3
            tokens.append(Token("punct", "...", start, index))
        else:
            index += 1
            tokens.append(Token("punct" if char in _PUNCTUATORS else "other", char, start, index))
    return tokens


def _line_end(text: str, index: int) -> int:
    length = len(text)
    while index < length and text[index] not in "\r\n":
        index += 1
    return index


def _string_end(text: str, index: int) -> tuple[int, bool]:
    """End of a one-line string whose content starts at `index`, and whether its closing quote is there."""
    length = len(text)
    while index < length:
        char = text[index]
        if char == '"':
            return index + 1, True
        if char in "\r\n":
            return index, False
        index += 2 if char == "\\" else 1
    return length, False


def replaced_token_start(text: str, cursor: int) -> int | None:
    """Start of the name (or `$name`) that ends at the cursor; None when the cursor is inside a number."""
    start = cursor
    while start > 0 and text[start - 1] in _NAME_CONTINUE:
        start -= 1
    if start < cursor and text[start] in _DIGITS:
        return None
    if start > 0 and text[start - 1] == "$":
        start -= 1
    return start


def inside_string_or_comment(tokens: Sequence[Token], cursor: int) -> bool:
    last = None
    for token in tokens:
        if token.start >= cursor:
            break
        last = token
    if last is None:
        return False
    if last.kind == "comment":
        return cursor <= last.end
    if last.kind == "string":
        return cursor < last.end or (not last.closed and cursor == last.end)
    return False


def fragment_conditions(tokens: Sequence[Token]) -> dict[str, str]:
    """Fragment name -> type-condition name for each `fragment X on T` at the top level of the document."""
    conditions: dict[str, str] = {}
    depth = 0
    for index, token in enumerate(tokens):
        if token.value == "{":
            depth += 1
        elif token.value == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and token.kind == "name" and token.value == "fragment":
            header = tokens[index + 1 : index + 4]
            if len(header) == 3 and all(part.kind == "name" for part in header) and header[1].value == "on":
                conditions[header[0].value] = header[2].value
    return conditions


def keys_ahead(tokens: Sequence[Token]) -> set[str]:
    """Names followed by `:` at the current nesting level, up to the bracket that closes it."""
    keys: set[str] = set()
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.value in _OPENERS:
            depth += 1
        elif token.kind == "punct" and token.value in CLOSERS:
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and token.kind == "name" and index + 1 < len(tokens) and tokens[index + 1].value == ":":
            keys.add(token.value)
    return keys
