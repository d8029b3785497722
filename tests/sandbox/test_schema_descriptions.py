"""What learners read of the sandbox's schema (`%ion_schema`, hover, tutorials) is plain words: no internal
research tags, and where the sandbox models something ION does not publish, one sentence that says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from ion_magic.sandbox.api import SCHEMA_PATH

SCHEMA = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
INTERNAL_TAG = re.compile(r"\[(INF|OBS|sandbox)\b", re.IGNORECASE)


def descriptions() -> Iterator[tuple[str, str]]:
    """(where, description) for the schema, every type, field, argument, input field and enum value."""
    if SCHEMA.description:
        yield "schema", SCHEMA.description
    for name, kind in SCHEMA.type_map.items():
        if name.startswith("__"):
            continue
        if kind.description:
            yield name, kind.description
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                if field.description:
                    yield f"{name}.{field_name}", field.description
                for argument_name, argument in getattr(field, "args", {}).items():
                    if argument.description:
                        yield f"{name}.{field_name}({argument_name})", argument.description
        if isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                if value.description:
                    yield f"{name}.{value_name}", value.description


DESCRIPTIONS = list(descriptions())


def test_the_schema_is_described():
    assert len(DESCRIPTIONS) > 500


@pytest.mark.parametrize("tag", ["[INF", "[OBS", "[sandbox]"])
def test_no_description_carries_an_internal_tag(tag):
    tagged = [where for where, text in DESCRIPTIONS if tag.lower() in text.lower()]
    assert tagged == []


def test_no_internal_tag_of_any_spelling_is_left():
    assert [where for where, text in DESCRIPTIONS if INTERNAL_TAG.search(text)] == []


def test_what_the_sandbox_models_on_its_own_is_said_once_in_words():
    said = {where: text for where, text in DESCRIPTIONS if "Sandbox:" in text}
    for where in ("RunStatus", "IssueDisposition", "Proceduretypeenum", "Steptypeenum", "IDFilter", "StringFilter"):
        assert where in said, f"{where} should say where the sandbox is a model"
    assert [where for where, text in said.items() if text.count("Sandbox:") > 1] == []
