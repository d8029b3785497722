"""ion-magic: query ION Factory OS from Jupyter.

`%load_ext ion_magic` registers %ion_login, %ion_logout, %ion_status, %ion_schema, %%ion, %ion (a saved
operation by name) and %ion_operations. `ion_magic.connect()` is the same pipeline for scripts;
`ion_magic.operations()` lists the saved operations and fragments.
"""

from __future__ import annotations

from typing import Any

__all__ = ["IncompleteResultError", "IncompleteResultWarning", "IonError", "IonSession", "connect",
           "load_ipython_extension", "operations"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use, so that the sandbox and the tools load without the client stack.
    if name in ("IonSession", "connect"):
        from . import session

        return getattr(session, name)
    if name == "operations":
        from .library import operations

        return operations
    if name in ("IonError", "IncompleteResultError", "IncompleteResultWarning"):
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    from .magics import IonMagic

    magic = IonMagic(shell=ipython)
    ipython.register_magics(magic)
    ipython.configurables.append(magic)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "ion-magic"}]
