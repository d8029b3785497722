"""Pulls written to files as they arrive: one Parquet file, one CSV file, or a Parquet dataset directory.

The rows are built into a frame a chunk at a time (`OutputSink`) and each chunk is written at once, so a
pull's memory stays near one chunk whatever its size. Beside the output, a resume record says how many rows
the files hold, whether the pull was complete and the cursor to go on from: an interrupted or failed pull
leaves valid files holding exactly the rows received, and `resume` continues into the same output.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .arrow import frame_table, with_backend
from .errors import IonError
from .frame_plan import FramePlan
from .frames import FrameBuilder, rows_per_node

OutputKind = Literal["parquet", "csv", "dataset"]
CHUNK_ROWS = 50_000  # rows built into one frame before they are written (and one dataset part file)
RECORD_NAME = "_ion_resume.json"  # inside a dataset directory
RECORD_SUFFIX = ".ion-resume.json"  # beside a single file


@dataclass(frozen=True)
class OutputTarget:
    """Where one root's rows go."""

    path: Path
    kind: OutputKind

    @classmethod
    def parse(cls, text: str) -> OutputTarget:
        path = Path(text).expanduser()
        if text.endswith(("/", os.sep)) or path.is_dir():
            return cls(path, "dataset")
        if path.suffix.lower() == ".parquet":
            return cls(path, "parquet")
        if path.suffix.lower() == ".csv":
            return cls(path, "csv")
        raise IonError(
            f"Cannot tell how to write {text!r}: give a path ending in .parquet (one Parquet file) or "
            ".csv (one CSV file), or a directory ending in / (a Parquet dataset of part files)."
        )

    def for_root(self, key: str, several: bool) -> OutputTarget:
        """With several roots, each writes its own output, named after the root."""
        if not several:
            return self
        if self.kind == "dataset":
            return OutputTarget(self.path / key, "dataset")
        return OutputTarget(self.path.with_name(f"{self.path.stem}.{key}{self.path.suffix}"), self.kind)

    @property
    def record_path(self) -> Path:
        if self.kind == "dataset":
            return self.path / RECORD_NAME
        return self.path.with_name(self.path.name + RECORD_SUFFIX)

    def exists(self) -> bool:
        if self.kind == "dataset":
            return self.path.is_dir() and any(self.path.glob("part-*.parquet"))
        return self.path.exists()


@dataclass(frozen=True)
class ResumeRecord:
    """What an output holds: written beside it after every pull into it."""

    fingerprint: str  # of the document and variables: a resume must continue the same pull
    rows: int
    complete: bool
    resume: str | None
    reason: str | None

    @classmethod
    def read(cls, target: OutputTarget) -> ResumeRecord | None:
        try:
            data = json.loads(target.record_path.read_text())
            return cls(
                data["fingerprint"], int(data["rows"]), bool(data["complete"]), data.get("resume"), data.get("reason")
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, target: OutputTarget) -> None:
        target.record_path.parent.mkdir(parents=True, exist_ok=True)
        target.record_path.write_text(json.dumps(self.__dict__, indent=1))


def fingerprint(document: str, variables: Mapping[str, Any], explode: Sequence[str]) -> str:
    text = json.dumps([document, dict(variables), list(explode)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Written:
    """What a pull into files left: the value assigned to VAR is `path`."""

    path: Path
    files: int
    bytes: int

    def __str__(self) -> str:
        return str(self.path)

    def describe(self) -> str:
        size = self.bytes / 1e6
        return f"{self.path} ({self.files} file{'' if self.files == 1 else 's'}, {size:,.1f} MB)"


class OutputWriter:
    """Writes chunks of rows (frames) to one target; `append` continues an earlier, incomplete output."""

    def __init__(self, target: OutputTarget, *, append: bool, dtype_backend: str) -> None:
        self.target = target
        self.dtype_backend = dtype_backend
        self.files: list[Path] = []
        self.schema: pa.Schema | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._previous: Path | None = None
        self._part = 0
        self._header_written = False
        target.path.parent.mkdir(parents=True, exist_ok=True)
        if target.kind == "dataset":
            target.path.mkdir(parents=True, exist_ok=True)
            existing = sorted(target.path.glob("part-*.parquet"))
            if not append:
                for part in existing:
                    part.unlink()
                existing = []
            self._part = len(existing)
            self.files = existing
            if existing:
                self.schema = pq.read_schema(existing[0])
        elif target.kind == "csv":
            self._header_written = append and target.path.exists() and target.path.stat().st_size > 0
            if not append:
                target.path.unlink(missing_ok=True)
            self.files = [target.path] if self._header_written else []
        elif append and target.path.exists():
            # A Parquet file cannot be appended to: its row groups are copied into a new file first.
            self._previous = target.path.with_name(target.path.name + ".previous")
            target.path.replace(self._previous)
            self.schema = pq.read_schema(self._previous)
        else:
            target.path.unlink(missing_ok=True)

    def write(self, frame: pd.DataFrame) -> None:
        if self.target.kind == "csv":
            frame.to_csv(self.target.path, mode="a", header=not self._header_written, index=False)
            self._header_written = True
            self.files = [self.target.path]
            return
        table = frame_table(with_backend(frame, self.dtype_backend), self.schema)
        if self.schema is None:
            self.schema = table.schema
        if self.target.kind == "dataset":
            part = self.target.path / f"part-{self._part:05d}.parquet"
            pq.write_table(table, part)
            self._part += 1
            self.files.append(part)
            return
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.target.path, table.schema)
            self.files = [self.target.path]
            if self._previous is not None:
                for batch in pq.ParquetFile(self._previous).iter_batches():
                    self._parquet.write_batch(batch)
        self._parquet.write_table(table)

    def close(self) -> Written:
        if self._parquet is not None:
            self._parquet.close()
        if self._previous is not None:
            if self._parquet is None:  # nothing new came: the earlier file stays as it was
                self._previous.replace(self.target.path)
            else:
                self._previous.unlink()
        size = sum(path.stat().st_size for path in self.files if path.exists())
        return Written(self.target.path, len(self.files), size)


class OutputSink:
    """A root's rows into files: built into a frame a chunk at a time, each chunk written at once."""

    def __init__(self, plan: FramePlan, writer: OutputWriter, chunk_rows: int | None = None) -> None:
        self.plan = plan
        self.writer = writer
        self.chunk_rows = chunk_rows or CHUNK_ROWS
        self.builder = FrameBuilder(plan)
        self.written_rows = self.written_nodes = self.written_null_nodes = 0
        self.chunks = 0

    @property
    def rows(self) -> int:
        return self.written_rows + self.builder.rows

    @property
    def nodes(self) -> int:
        return self.written_nodes + self.builder.nodes

    @property
    def null_nodes(self) -> int:
        return self.written_null_nodes + self.builder.null_nodes

    def row_counts(self, nodes: Sequence[Any]) -> list[int]:
        return rows_per_node(self.plan, nodes)

    def add(self, edges: list[Any], nodes: list[Any], connection: Mapping[str, Any] | None) -> None:
        self.builder.add_nodes(nodes)
        if self.builder.rows >= self.chunk_rows:
            self._flush()

    def _flush(self) -> None:
        builder, self.builder = self.builder, FrameBuilder(self.plan)
        self.written_rows += builder.rows
        self.written_nodes += builder.nodes
        self.written_null_nodes += builder.null_nodes
        self.writer.write(builder.finish())
        self.chunks += 1

    def finish(self) -> Written:
        if self.builder.rows or not self.writer.files:  # an empty pull still leaves a file with its columns
            self._flush()
        return self.writer.close()
