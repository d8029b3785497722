"""Results kept on disk for a while, so that re-running a notebook does not pull again.

An entry is the Parquet file of each root's frame and a small JSON record (when it was pulled, its
`attrs`), keyed by endpoint, client id, the documents sent, the variables and the options that shape the
rows. Only complete query results are kept; never a token or a secret. Files are readable by the user only.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from .arrow import frame_table
from .errors import IonError
from .paths import cache_root

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(text: str) -> float:
    """Seconds from `90s`, `10m`, `2h`, `1d` (a bare number is seconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise IonError(f"Cannot read the cache lifetime {text!r}: write it as 90s, 10m, 2h or 1d.")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def describe_age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


@dataclass(frozen=True)
class CacheEntry:
    key: str
    label: str
    created: float
    bytes: int


class ResultCache:
    """Complete query results as Parquet files under `directory` (one folder per entry)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(
        endpoint: str, client_id: str, documents: list[str], variables: Mapping[str, Any], shaping: Mapping[str, Any]
    ) -> str:
        text = json.dumps([endpoint, client_id, documents, dict(variables), dict(shaping)], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def load(self, key: str, ttl: float) -> tuple[dict[str, pd.DataFrame], float] | None:
        """The frames of a fresh entry and its age in seconds, or None (absent, expired or unreadable)."""
        folder = self.directory / key
        try:
            record = json.loads((folder / "record.json").read_text())
            age = time.time() - float(record["created"])
            if age > ttl:
                return None
            frames = {}
            for index, root in enumerate(record["roots"]):
                frame = pq.read_table(folder / f"{index}.parquet").to_pandas()
                frame.attrs = {"ion": {**record["attrs"][index], "cached_seconds_ago": round(age)}}
                frames[root] = frame
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return frames, age

    def save(self, key: str, label: str, frames: Mapping[str, pd.DataFrame]) -> None:
        """Keep the frames (written to a temporary folder, then renamed into place)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = Path(tempfile.mkdtemp(prefix=".entry-", dir=self.directory))
        try:
            for index, frame in enumerate(frames.values()):
                pq.write_table(frame_table(frame), staging / f"{index}.parquet")
            record = {
                "created": time.time(),
                "label": label,
                "roots": list(frames),
                "attrs": [_jsonable(frame.attrs.get("ion", {})) for frame in frames.values()],
            }
            (staging / "record.json").write_text(json.dumps(record, default=str))
            for path in staging.iterdir():
                path.chmod(0o600)
            target = self.directory / key
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def entries(self) -> list[CacheEntry]:
        found = []
        for folder in sorted(self.directory.glob("*")) if self.directory.is_dir() else ():
            try:
                record = json.loads((folder / "record.json").read_text())
            except (OSError, ValueError):
                continue
            size = sum(path.stat().st_size for path in folder.iterdir())
            found.append(CacheEntry(folder.name, str(record.get("label", "")), float(record["created"]), size))
        return sorted(found, key=lambda entry: entry.created, reverse=True)

    def clear(self) -> int:
        entries = self.entries()
        for entry in entries:
            shutil.rmtree(self.directory / entry.key, ignore_errors=True)
        return len(entries)


def _jsonable(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(dict(attrs), default=str))


def default_results_dir() -> Path:
    return cache_root() / "results"
