"""GraphQL over HTTP as the sandbox serves it: its paths, and how a POST body becomes requests to run
(one, or a batch when the body is a JSON array), with a 4xx status and a message for a body that cannot run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

GRAPHQL_PATH = "/graphql"
HEALTH_PATH = "/health"


class BadRequest(Exception):
    """A request /graphql cannot run, with the HTTP status and the message to send back."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def parse_graphql_body(content_type: str, body: bytes) -> tuple[list[GraphQLRequest], bool]:
    """The requests in a POST body and whether it was a batch (a JSON array); BadRequest when unusable."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json":
        shown = media_type or "none"
        raise BadRequest(
            415, f"Unsupported content type '{shown}': POST a JSON body with 'Content-Type: application/json'."
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(400, f"The request body is not valid JSON ({error}).") from None
    if isinstance(payload, list):
        if not payload:
            raise BadRequest(400, 'The batch is empty: send at least one {"query": ...} object.')
        return [_graphql_request(item, f"batch item {index}: ") for index, item in enumerate(payload)], True
    return [_graphql_request(payload, "")], False


def _graphql_request(payload: Any, where: str) -> GraphQLRequest:
    if not isinstance(payload, dict):
        raise BadRequest(400, f'{where}The body must be a JSON object like {{"query": "...", "variables": {{...}}}}.')
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest(400, f"{where}Must provide query string.")
    variables = payload.get("variables")
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) if variables.strip() else None
        except ValueError:
            raise BadRequest(400, f"{where}Variables are invalid JSON.") from None
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest(400, f"{where}Variables must be a JSON object.")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest(400, f"{where}operationName must be a string.")
    return GraphQLRequest(query=query, variables=variables, operation_name=operation_name or None)
