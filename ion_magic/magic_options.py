"""The magics' options: the table %%ion and %ion share, parsing a magic's line, and the one boundary where an
error a user can cause becomes one message (IPython's UsageError), with any secret masked."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, parse_argstring

from .errors import IonError, IonValidationError


def parse_options(magic: Callable[..., Any], line: str) -> Any:
    """The magic's parsed options; unbalanced quotes are a usage error like any other bad option."""
    try:
        return parse_argstring(magic, line)
    except ValueError as error:
        raise IonError(f"Cannot read the options {line!r}: {error}.") from None


# The options %%ion and %ion share: one list, so that both magics always take the same.
QUERY_OPTIONS = (
    argument("var", nargs="?", help="Also assign the result to this variable (then print a summary)."),
    argument("--all", action="store_true", help="Follow pageInfo.endCursor until hasNextPage is false."),
    argument("--max-rows", type=int, help="Stop once N rows are in."),
    argument("--page-size", type=int, help="`first` to use when the magic pages (default IonMagic.page_size)."),
    argument(
        "--after",
        action="append",
        metavar="[ROOT=]CURSOR",
        help="Start after this cursor (to resume); ROOT=CURSOR when the cell has several roots.",
    ),
    argument("--concurrency", type=int, help="Pages in flight at once (default IonMagic.max_concurrency)."),
    argument("--no-progress", action="store_true", help="Show no progress bar for this cell."),
    argument(
        "--explode",
        action="append",
        metavar="PATH",
        help="One row per element of the list field at PATH; repeat for a nested chain.",
    ),
    argument("--raw", action="store_true", help="Return the response's data dict, every page merged."),
    argument(
        "--out",
        metavar="PATH",
        help="Write the rows as they arrive: a .parquet or .csv file, or a directory "
        "ending in / for a Parquet dataset; VAR gets the path.",
    ),
    argument("--resume", action="store_true", help="Continue an incomplete --out output where it stopped."),
    argument("--overwrite", action="store_true", help="Replace an existing --out output (or --save file)."),
    argument(
        "--cache",
        metavar="TTL",
        help="Reuse a result pulled within TTL (10m, 2h, 1d; default IonMagic.cache_ttl); no request is sent.",
    ),
    argument("--refresh", action="store_true", help="Pull again even when the cache has a fresh result."),
    argument("--allow-mutation", action="store_true", help="Required to run a mutation."),
    argument("--dry-run", action="store_true", help="Parse, validate, bind and plan; send nothing."),
    argument("--explain", action="store_true", help="Print the plain Python that does the same; send nothing."),
)


def query_options(magic: Callable[..., Any]) -> Callable[..., Any]:
    """Add QUERY_OPTIONS to a magic, in their order."""
    for option in reversed(QUERY_OPTIONS):
        magic = option(magic)
    return magic


def user_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Show IonErrors as one message without a traceback, with any secret masked."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:  # an IonMagic
        try:
            return method(self, *args, **kwargs)
        except IonError as error:
            message = str(error)
            if self.session is not None:
                if isinstance(error, IonValidationError):
                    message += self.session.schema_note("%ion_schema --refresh")
                message = self.session.credentials.redact(message)
            raise UsageError(message) from None

    return wrapper
