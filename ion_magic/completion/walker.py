"""The walk over a half-typed GraphQL document: a stack of syntactic scopes (selection sets, argument lists,
input object values, list values, variable definitions) fed one token at a time. The scope on top at the
cursor decides what is offered. Each scope keeps what it expects next as a typed state."""

from __future__ import annotations

from collections.abc import Mapping

from graphql import GraphQLArgument, GraphQLInputField, GraphQLSchema

from .suggestions import Suggestion, Variable
from .tokens import CLOSERS, Token

Entry = GraphQLArgument | GraphQLInputField  # what a `name: value` pair names


class Scope:
    """One open construct of the document; `closer` is the bracket that ends it ("" for the document)."""

    closer = ""

    def claims(self, token: Token) -> bool:
        """Whether a closing bracket belongs to this scope's own syntax rather than closing a scope."""
        return False

    def close(self, walker: Walker) -> None:
        """Called when the scope is popped."""

    def feed(self, token: Token, walker: Walker) -> None:
        raise NotImplementedError

    def suggest(self, walker: Walker) -> list[Suggestion]:
        raise NotImplementedError


class Walker:
    """Feeds tokens to the scope on top of the stack; closing brackets pop back to the scope they close."""

    def __init__(
        self, schema: GraphQLSchema, document: Scope, fragments: Mapping[str, str], following: list[Token]
    ) -> None:
        self.schema = schema
        self.fragments = fragments  # fragment name -> type-condition name, from the whole document
        self.following = following  # the tokens after the cursor
        self.variables: dict[str, Variable] = {}  # the current operation's declared variables
        self.stack: list[Scope] = [document]
        self.open_scopes = {closer: 0 for closer in CLOSERS}  # keeps popping linear in the text length

    def push(self, scope: Scope) -> None:
        self.stack.append(scope)
        self.open_scopes[scope.closer] += 1

    def pop(self) -> None:
        scope = self.stack.pop()
        self.open_scopes[scope.closer] -= 1
        scope.close(self)

    def feed(self, token: Token) -> None:
        top = self.stack[-1]
        if token.kind == "punct" and token.value in CLOSERS and not top.claims(token):
            if self.open_scopes[token.value]:
                while self.stack[-1].closer != token.value:
                    self.pop()
                self.pop()
            return
        top.feed(token, self)
