"""Reading GraphQL responses in tests."""

from __future__ import annotations

from typing import Any


def data(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"]


def error(result: dict[str, Any]) -> str:
    assert result.get("errors"), f"expected an error, got {result}"
    return result["errors"][0]["message"]
