"""The sandbox's SQLite store: one table per ION object, columns named after the GraphQL fields.

Because columns carry the GraphQL names (`partNumber`, `_etag`), a row read as a dict is already the node
the default resolver reads, with no mapping layer in between. The store knows SQL, transactions and
optimistic concurrency (`_etag`); ION's business rules live in `mutations`.
"""

from __future__ import annotations

import ast
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ion_magic.sandbox.type_tables import TYPE_OF_TABLE

SCHEMA_SQL = Path(__file__).with_name("store.sql").read_text(encoding="utf-8")
"""The tables of a store (store.sql, next to schema.graphql), read once and run by `Store.open`."""

JSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "datagrid_columns": ("options",),
    "datagrid_values": ("value",),
    "issues": ("expectedCondition", "causeCondition"),
    "run_step_fields": ("value",),
    "step_fields": ("options",),
    "steps": ("slateContent",),
}
"""Columns holding JSON text; rows read through `Store.rows` carry them decoded."""


class StoreError(Exception):
    """A read or change the store refuses. The message says what is wrong and what to do about it."""


class NotFound(StoreError):
    """The object an id names does not exist."""


class EtagMismatch(StoreError):
    """An update or delete carried an `_etag` that is no longer the object's current one."""


class RuleViolation(StoreError):
    """A change would break one of ION's rules (uniqueness, tracking quantities, ...)."""


def new_etag() -> str:
    """A fresh `_etag`: 32 hex digits of a uuid4, as ION issues them."""
    return uuid.uuid4().hex


def utc_now() -> str:
    """Now, as the store writes timestamps: ISO 8601, UTC, whole seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def json_list(values: Iterable[Any]) -> str:
    """A JSON array for `IN (SELECT value FROM json_each(?))`: one parameter, however many values."""
    return json.dumps(list(values))


class Store:
    """The SQLite database of one sandbox. Thread-safe: every use of the connection holds `lock`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.lock = threading.RLock()
        self._columns: dict[str, tuple[str, ...]] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str] = ":memory:") -> Store:
        """Open (and create the tables of) a store in a file, or in memory with ":memory:"."""
        connection = sqlite3.connect(os.fspath(path), check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA foreign_keys = ON")
        if os.fspath(path) != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        connection.executescript(SCHEMA_SQL)
        return cls(connection)

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for tests that compare with plain SQL (hold `lock` while using it)."""
        return self._connection

    @property
    def changes(self) -> int:
        """A counter that moves with every row written through this store (rolled back or not)."""
        return self._connection.total_changes

    def close(self) -> None:
        with self.lock:
            self._connection.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back (nothing changed) on any error."""
        with self.lock:
            if self._connection.in_transaction:
                yield
                return
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    # ------------------------------------------------------------------ reading

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run plain SQL; rows come back as dicts keyed by column name (JSON columns stay text)."""
        with self.lock:
            cursor = self._connection.execute(query, params)
            if cursor.description is None:
                return []
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, values, strict=False)) for values in cursor.fetchall()]

    def rows(self, table: str, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of `table` selected by `query`, with its JSON columns decoded."""
        rows = self.sql(query, params)
        for column in JSON_COLUMNS.get(table, ()):
            for row in rows:
                text = row.get(column)
                if text is not None:
                    row[column] = json.loads(text)
        return rows

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        with self.lock:
            found = self._connection.execute(query, params).fetchone()
        return None if found is None else found[0]

    def columns(self, table: str) -> tuple[str, ...]:
        """The column names of a table, in order."""
        if table not in self._columns:
            with self.lock:
                info = self._connection.execute(f"PRAGMA table_info({table})").fetchall()
            if not info:
                raise KeyError(f"no table {table!r} in the sandbox store")
            self._columns[table] = tuple(column[1] for column in info)
        return self._columns[table]

    def get(self, table: str, row_id: int) -> dict[str, Any] | None:
        found = self.rows(table, f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        return found[0] if found else None

    def require(self, table: str, row_id: int) -> dict[str, Any]:
        """The row with this id, or NotFound saying which object is missing."""
        row = self.get(table, row_id)
        if row is None:
            raise NotFound(f"{TYPE_OF_TABLE.get(table, table)} {row_id} does not exist; check the id.")
        return row

    def by_ids(self, table: str, ids: Iterable[int]) -> list[dict[str, Any]]:
        return self.rows(
            table, f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json_list(ids),)
        )

    def is_empty(self) -> bool:
        """Has nothing been stored yet (no parts, no users)?"""
        return self.scalar("SELECT NOT EXISTS (SELECT 1 FROM parts) AND NOT EXISTS (SELECT 1 FROM users)") == 1

    # ------------------------------------------------------------------ writing

    def _encoded(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        json_columns = JSON_COLUMNS.get(table, ())
        unknown = set(values) - set(self.columns(table))
        if unknown:
            raise KeyError(f"no column {sorted(unknown)} in {table}")
        return {
            column: json.dumps(value) if column in json_columns and value is not None else value
            for column, value in values.items()
        }

    def new_entity(self, entity_type: str, object_id: int) -> int:
        """Allocate a generic entity id (used by file attachments, labels and barcodes)."""
        with self.lock:
            cursor = self._connection.execute(
                "INSERT INTO entities (entityType, objectId) VALUES (?, ?)", (entity_type, object_id)
            )
        return _inserted_id(cursor)

    def insert(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """Insert a row (filling `_etag`, timestamps and `entityId` when the table has them); returns it."""
        columns = self.columns(table)
        row = dict(values)
        now = utc_now()
        if "_etag" in columns:
            row.setdefault("_etag", new_etag())
        for stamp in ("createdAt", "updatedAt"):
            if stamp in columns:
                row.setdefault(stamp, now)
        encoded = self._encoded(table, row)
        names = ", ".join(f'"{column}"' for column in encoded)
        marks = ", ".join("?" for _ in encoded)
        with self.lock:
            try:
                cursor = self._connection.execute(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(encoded.values())
                )
            except sqlite3.IntegrityError as error:
                raise RuleViolation(_integrity_message(table, error)) from error
            row_id = _inserted_id(cursor)
            if "entityId" in columns and row.get("entityId") is None:
                entity_id = self.new_entity(TYPE_OF_TABLE.get(table, table), row_id)
                self._connection.execute(f"UPDATE {table} SET entityId = ? WHERE id = ?", (entity_id, row_id))
        return self.require(table, row_id)

    def check_etag(self, table: str, row: dict[str, Any], etag: str | None) -> None:
        """Refuse a change made from a stale read: `etag` must be the row's current `_etag`."""
        if etag != row["_etag"]:
            raise EtagMismatch(
                f"Etag mismatch for {TYPE_OF_TABLE.get(table, table)} {row['id']}: the object changed since "
                "you read it (or the etag is wrong); query _etag again and retry with the new value."
            )

    def update(
        self, table: str, row_id: int, values: dict[str, Any], etag: str | None = None, *, check: bool = True
    ) -> dict[str, Any]:
        """Change a row and give it a new `_etag`. With `check`, `etag` must match the current one."""
        row = self.require(table, row_id)
        if check:
            self.check_etag(table, row, etag)
        changes = dict(values)
        columns = self.columns(table)
        if "_etag" in columns:
            changes["_etag"] = new_etag()
        if "updatedAt" in columns:
            changes["updatedAt"] = utc_now()
        encoded = self._encoded(table, changes)
        assignments = ", ".join(f'"{column}" = ?' for column in encoded)
        with self.lock:
            try:
                self._connection.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*encoded.values(), row_id))
            except sqlite3.IntegrityError as error:
                raise RuleViolation(_integrity_message(table, error)) from error
        return self.require(table, row_id)

    def touch(self, table: str, row_id: int) -> dict[str, Any]:
        """Give an object a new `_etag` because something it owns changed (an attribute, a line, an aBOM)."""
        return self.update(table, row_id, {}, check=False)

    def next_position(self, table: str, where: str, params: Sequence[Any]) -> int:
        """1 + the highest `position` among the rows `where` selects (1 when there are none)."""
        return int(self.scalar(f"SELECT COALESCE(MAX(position), 0) + 1 FROM {table} WHERE {where}", params))

    def set_attribute(
        self, owner_type: str, owner_id: int, key: str, value: Any, attribute_type: str | None
    ) -> dict[str, Any]:
        """Create or replace the key/value attribute `key` of an object (attributes have no etag of their own)."""
        found = self.sql(
            "SELECT id FROM attributes WHERE ownerType = ? AND ownerId = ? AND key = ?", (owner_type, owner_id, key)
        )
        values = {"value": value, "type": attribute_type or "STRING"}
        if found:
            return self.update("attributes", found[0]["id"], values, check=False)
        return self.insert("attributes", {"ownerType": owner_type, "ownerId": owner_id, "key": key, **values})

    def delete(self, table: str, row_id: int, etag: str | None = None, *, check: bool = True) -> None:
        """Delete a row; with `check`, `etag` must be its current `_etag`."""
        row = self.require(table, row_id)
        if check:
            self.check_etag(table, row, etag)
        with self.lock:
            try:
                self._connection.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
            except sqlite3.IntegrityError as error:
                raise RuleViolation(
                    f"{TYPE_OF_TABLE.get(table, table)} {row_id} is still referenced by other objects; "
                    "remove those first."
                ) from error

    def execute(self, query: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement; returns the number of rows it changed."""
        with self.lock:
            return self._connection.execute(query, params).rowcount

    def column_defaults(self, table: str) -> dict[str, Any]:
        """The DEFAULT value of each column that has one."""
        with self.lock:
            info = self._connection.execute(f"PRAGMA table_info({table})").fetchall()
        return {column[1]: ast.literal_eval(column[4]) for column in info if column[4] is not None}

    def bulk_load(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Load many tables in one transaction, checking foreign keys once at the end instead of per row.

        Any dangling reference rolls the whole load back.
        """
        with self.lock:
            self._connection.execute("PRAGMA foreign_keys = OFF")
            try:
                with self.transaction():
                    for table, rows in tables.items():
                        self.bulk_insert(table, rows)
                    dangling = self.sql("PRAGMA foreign_key_check")
                    if dangling:
                        raise RuleViolation(f"{len(dangling)} rows refer to missing objects, e.g. {dangling[0]}")
            finally:
                self._connection.execute("PRAGMA foreign_keys = ON")

    def bulk_insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many rows with one prepared statement; a key missing from a row takes the column default.

        JSON columns are given as Python values.
        """
        if not rows:
            return
        names = list(dict.fromkeys(key for row in rows for key in row))
        defaults = self.column_defaults(table)
        json_columns = set(JSON_COLUMNS.get(table, ())) & set(names)
        values = (
            tuple(
                json.dumps(row[name])
                if name in json_columns and row.get(name) is not None
                else row.get(name, defaults.get(name))
                for name in names
            )
            for row in rows
        )
        quoted = ", ".join(f'"{name}"' for name in names)
        marks = ", ".join("?" for _ in names)
        with self.lock:
            try:
                self._connection.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", values)
            except sqlite3.IntegrityError as error:
                raise RuleViolation(_integrity_message(table, error)) from error


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id SQLite gave the row an INSERT just added."""
    if cursor.lastrowid is None:
        raise StoreError("SQLite reported no id for the inserted row.")
    return cursor.lastrowid


def _integrity_message(table: str, error: sqlite3.IntegrityError) -> str:
    text = str(error)
    type_name = TYPE_OF_TABLE.get(table, table)
    if text.startswith("UNIQUE constraint failed"):
        fields = ", ".join(part.split(".")[-1] for part in text.split(":", 1)[1].split(","))
        return f"{type_name} is not unique: another one has the same {fields.strip()}."
    if "FOREIGN KEY" in text:
        return f"{type_name} refers to an object that does not exist; check the ids you gave."
    return f"{type_name} was refused by the store: {text}."
