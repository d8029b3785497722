"""ion-magic: query ION Factory OS from Jupyter.

`%load_ext ion_magic` registers %ion_login, %ion_logout, %ion_status, %ion_schema, %%ion, %ion (a saved
operation by name) and %ion_operations. `ion_magic.connect()` is the same pipeline for scripts;
`ion_magic.operations()` lists the saved operations and fragments.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# The public names, imported on first use (as in ion_magic.sandbox), so that the sandbox and the tools load
# without the client stack.
_EXPORTS = {
    "IonSession": "ion_magic.session",
    "connect": "ion_magic.session",
    "operations": "ion_magic.library",
    "IonError": "ion_magic.errors",
    "IncompleteResultError": "ion_magic.errors",
    "IncompleteResultWarning": "ion_magic.errors",
}
__all__ = sorted([*_EXPORTS, "load_ipython_extension"])
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)


def load_ipython_extension(ipython: Any) -> None:
    from .magics import IonMagic

    magic = IonMagic(shell=ipython)
    ipython.register_magics(magic)
    ipython.configurables.append(magic)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "ion-magic"}]
