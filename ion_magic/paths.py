"""Where ion-magic keeps files of its own; imported by the client and the sandbox alike (it imports nothing
of either)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """ion-magic's cache directory: ION_MAGIC_CACHE_DIR, else ~/.cache/ion-magic (XDG_CACHE_HOME honoured)."""
    configured = os.environ.get("ION_MAGIC_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ion-magic"
