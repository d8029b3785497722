"""What the magics print about a login and its results: the status line, the tag naming where a result
came from, and the result cache's listing. Plain text, no IPython."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .environments import SANDBOX

if TYPE_CHECKING:
    from .result_cache import ResultCache
    from .session import IonSession


def status_line(session: IonSession) -> str:
    """Where the login goes, who it acts as, when its token expires, and what the schema holds."""
    left = session.credentials.seconds_left()
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=left)).strftime("%H:%M:%S UTC")
    schema = session.schema
    if schema is None:
        known = "schema unknown (introspection refused): dtypes are inferred, cells are not validated"
    else:
        mutations = len(schema.mutation_type.fields) if schema.mutation_type else 0
        queries = len(schema.query_type.fields) if schema.query_type else 0
        known = f"schema: {queries} queries, {mutations} mutations"
    return (
        f"Logged in to {session.environment} ({session.graphql_url}) as client {session.client_id}, "
        f"acting as {session.identity.describe()}; the token expires at {expires} "
        f"(in {left / 60:.0f} min) and is renewed as needed; {known}."
    )


def where_tag(session: IonSession, is_mutation: bool) -> str:
    """The tag a summary line ends with: the environment unless it is the sandbox; for a mutation, the
    environment and the organization always."""
    if is_mutation:
        organization = session.identity.organization or "unknown"
        return f"  [{session.environment}, organization {organization}]"
    return "" if session.environment == SANDBOX else f"  [{session.environment}]"


def describe_cache(cache: ResultCache) -> str:
    """The cached results, newest first, with their age and size."""
    from .result_cache import describe_age

    entries = cache.entries()
    if not entries:
        return f"The result cache is empty ({cache.directory})."
    now = dt.datetime.now(dt.UTC).timestamp()
    lines = [
        f"{entry.key[:12]}  {entry.label:<40}  {describe_age(now - entry.created):>7} old  {entry.bytes / 1e6:8.2f} MB"
        for entry in entries
    ]
    lines.append(f"{len(entries)} result(s), {sum(e.bytes for e in entries) / 1e6:.2f} MB in {cache.directory}")
    return "\n".join(lines)
