"""The one place each default is written: the magic's traitlets, `connect()`, `IonSession`, `Transport` and
`QueryOptions` all take theirs from here, so the magic and the Python API cannot drift apart."""

from __future__ import annotations

PAGE_SIZE = 100
"""`first` used when a connection is paged for the user."""

TIMEOUT = 60.0
"""Seconds one HTTP request may take as a whole (connect, send, wait, read the body), not per read."""

MAX_TRIES = 5
"""Tries per query request; retries meet 429, 502-504 and lost connections. Mutations are never retried
once sent."""

CONCURRENCY = 4
"""Pages in flight at once when offset cursors allow it; 1 fetches one page at a time."""

MAX_RESPONSE_BYTES = 256 * 2**20
"""Largest response body accepted, counted after decompression (a page of 100 rows is a few hundred KB;
the limit is there so a broken or hostile server cannot fill the kernel's memory)."""

SHOW_PROGRESS = True
"""Show a progress bar when more than one page is fetched."""

SCHEMA_MAX_AGE_S = 12 * 3600
"""A cached schema older than this is introspected again at login."""
