"""Sends the introspected schema (never a token) to the JupyterLab extension over a comm.

Protocol (target `ion_magic.schema`): the kernel opens a comm with `{"schema", "endpoint"}` whenever the
schema changes; the front end may open one with `{"request": "schema"}` and gets one such message back.
"""

from __future__ import annotations

from typing import Any

TARGET = "ion_magic.schema"


class SchemaChannel:
    """Publishes the current schema to front ends; a no-op outside a kernel."""

    def __init__(self, in_kernel: bool) -> None:
        self.in_kernel = in_kernel
        self._message: dict[str, Any] = {"schema": None, "endpoint": None}
        if in_kernel:
            from comm import get_comm_manager

            get_comm_manager().register_target(TARGET, self._on_request)

    def publish(self, introspection: dict[str, Any] | None, endpoint: str | None) -> None:
        self._message = {"schema": introspection, "endpoint": endpoint}
        if self.in_kernel:
            from comm import create_comm

            create_comm(target_name=TARGET, data=self._message).close()

    def _on_request(self, comm: Any, open_message: dict[str, Any]) -> None:
        comm.send(self._message)
