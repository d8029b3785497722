"""Who a token acts as: ION's `me { ... }`, asking only for the fields the schema has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from .errors import IonError

PERSON_FIELDS = ("name", "email")
ORGANIZATION_FIELDS = ("name", "domain", "id")  # the first one present names the organization


@dataclass(frozen=True)
class Identity:
    """The user and organization a login acts as; every part None when the API does not say."""

    name: str | None = None
    email: str | None = None
    organization: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.name or self.email)

    def describe(self) -> str:
        """`Ada Lovelace <ada@example.com>, organization Acme`, or `identity unknown`."""
        if not self.known:
            return "identity unknown"
        who = f"{self.name} <{self.email}>" if self.name and self.email else (self.name or self.email)
        return f"{who}, organization {self.organization}" if self.organization else str(who)


UNKNOWN = Identity()


def identity_query(schema: GraphQLSchema | None) -> str | None:
    """`{ me { ... } }` with the fields of the person and organization the schema has; None without `me`."""
    field = schema.query_type.fields.get("me") if schema is not None and schema.query_type else None
    user = get_named_type(field.type) if field is not None else None
    if not isinstance(user, GraphQLObjectType):
        return None
    wanted = [name for name in PERSON_FIELDS if name in user.fields]
    organization = user.fields.get("organization")
    organization_type = get_named_type(organization.type) if organization is not None else None
    if isinstance(organization_type, GraphQLObjectType):
        inner = [name for name in ORGANIZATION_FIELDS if name in organization_type.fields]
        if inner:
            wanted.append(f"organization {{ {' '.join(inner)} }}")
    elif "organizationId" in user.fields:
        wanted.append("organizationId")
    return f"{{ me {{ {' '.join(wanted)} }} }}" if wanted else None


def fetch_identity(schema: GraphQLSchema | None, execute: Callable[[str], dict[str, Any]]) -> Identity:
    """Ask the API who the token acts as; UNKNOWN when the schema has no `me` or the answer says nothing."""
    query = identity_query(schema)
    if query is None:
        return UNKNOWN
    try:
        answer = execute(query)
    except IonError:
        return UNKNOWN  # the login itself worked: not knowing the name must not undo it
    me = (answer.get("data") or {}).get("me") if isinstance(answer.get("data"), dict) else None
    if not isinstance(me, dict):
        return UNKNOWN
    organization = me.get("organization")
    if isinstance(organization, dict):
        organization = next((organization[key] for key in ORGANIZATION_FIELDS if organization.get(key)), None)
    else:
        organization = me.get("organizationId")
    return Identity(_text(me.get("name")), _text(me.get("email")), _text(organization))


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value).strip() else None
