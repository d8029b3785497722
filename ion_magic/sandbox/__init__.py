"""The embedded ION sandbox: a real GraphQL server over loopback HTTP with ION-style auth and a seeded
demo factory. `start_sandbox()` runs one in a background thread; `ion-sandbox` runs one from the shell.

Names are imported on first use, so that importing a data module (store, seed, api) does not load the
HTTP server stack.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {
    "DEFAULT_TOKEN_LIFETIME": "ion_magic.sandbox.auth",
    "DEMO_CLIENT_ID": "ion_magic.sandbox.auth",
    "DEMO_CLIENT_SECRET": "ion_magic.sandbox.auth",
    "TOKEN_PATHS": "ion_magic.sandbox.auth",
    "Faults": "ion_magic.sandbox.faults",
    "DEFAULT_PORT": "ion_magic.sandbox.server",
    "RunningSandbox": "ion_magic.sandbox.server",
    "start_sandbox": "ion_magic.sandbox.server",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
