"""Sends the introspected schema (never a token) to the JupyterLab extension over a comm.

Protocol (target `ion_magic.schema`): the kernel opens a comm with `{"schema", "endpoint", "fragments"}`
whenever the schema (or the fragment library) changes; the front end may open one with
`{"request": "schema"}` and gets one such message back. `fragments`: the operations folder's fragments, each
`{"name", "typeCondition", "text"}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TARGET = "ion_magic.schema"


class SchemaChannel:
    """Publishes the current schema to front ends; a no-op outside a kernel."""

    def __init__(self, in_kernel: bool, fragments: Callable[[], list[dict[str, str]]] = list) -> None:
        self.in_kernel = in_kernel
        self._fragments = fragments
        self._message: dict[str, Any] = {"schema": None, "endpoint": None}
        if in_kernel:
            from comm import get_comm_manager

            get_comm_manager().register_target(TARGET, self._on_request)

    def publish(self, introspection: dict[str, Any] | None, endpoint: str | None) -> None:
        self._message = {"schema": introspection, "endpoint": endpoint}
        self.publish_fragments()

    def publish_fragments(self) -> None:
        """Send the current message again with the fragment library as it is on disk now."""
        if self.in_kernel:
            from comm import create_comm

            create_comm(target_name=TARGET, data=self._data()).close()

    def _data(self) -> dict[str, Any]:
        return {**self._message, "fragments": self._fragments()}

    def _on_request(self, comm: Any, open_message: dict[str, Any]) -> None:
        comm.send(self._data())
