"""The magics: %ion_login, %ion_logout, %ion_status, %ion_schema, %%ion, %ion and %ion_operations.

This layer parses its own arguments, calls the pipeline and shows the outcome. Every error a user can
cause is one message (IPython's UsageError), never a traceback. The client stack (httpx, graphql-core,
ipywidgets) is imported when a magic first needs it, so `%load_ext ion_magic` stays quick.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import StdinNotImplementedError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from traitlets import Bool, Enum, Float, Integer, TraitError, Unicode, validate

from . import options as defaults
from .completion.ipython import register_ipython_completer, register_saved_name_completer
from .environments import ENVIRONMENT_NAMES
from .errors import IonError, NotLoggedInError
from .magic_options import parse_options, query_options, user_errors
from .reports import describe_cache, status_line, where_tag
from .schema_channel import SchemaChannel, run_roots

if TYPE_CHECKING:
    from .compose import ComposedDocument
    from .library import OperationLibrary
    from .login import LoginRequest
    from .session import IonSession
    from .widgets import LoginWidget

NOT_LOGGED_IN = "Not logged in: run %ion_login (or %ion_login --sandbox to use the embedded ION sandbox)."


@magics_class
class IonMagic(Magics):
    """Query ION Factory OS from IPython. Options: %config IonMagic.<name> = value."""

    page_size = Integer(defaults.PAGE_SIZE, help="`first` used when the magic pages a connection.").tag(config=True)
    timeout = Float(defaults.TIMEOUT, help="Seconds one HTTP request may take as a whole.").tag(config=True)
    max_tries = Integer(
        defaults.MAX_TRIES, help="Tries per query request (retries on 429, 502-504, lost connections)."
    ).tag(config=True)
    max_concurrency = Integer(
        defaults.CONCURRENCY, help="Pages in flight at once when offset cursors allow it; 1: one at a time."
    ).tag(config=True)
    max_response_bytes = Integer(
        defaults.MAX_RESPONSE_BYTES, help="Largest response body accepted, counted after decompression."
    ).tag(config=True)
    show_progress = Bool(defaults.SHOW_PROGRESS, help="Show a progress bar when more than one page is fetched.").tag(
        config=True
    )
    cache_ttl = Unicode(
        "",
        help="Reuse a %%ion result pulled within this time (10m, 2h, 1d); empty: pull every "
        "time. --cache TTL sets it for one cell.",
    ).tag(config=True)
    dtype_backend = Enum(
        ["numpy_nullable", "pyarrow"],
        "numpy_nullable",
        help="Column dtypes: pandas' nullable dtypes, or Arrow-backed (pyarrow).",
    ).tag(config=True)
    operations_dir = Unicode(
        "",
        help="Folder of saved operations and fragments (.graphql files); empty: "
        "ION_OPERATIONS_DIR, else graphql/ under the working directory.",
    ).tag(config=True)

    @validate("page_size", "max_tries", "max_concurrency", "max_response_bytes")
    def _at_least_one(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise TraitError(f"{proposal['trait'].name} must be at least 1")
        return proposal["value"]

    @validate("timeout")
    def _positive(self, proposal: Any) -> float:
        if proposal["value"] <= 0:
            raise TraitError("timeout must be positive")
        return proposal["value"]

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self.session: IonSession | None = None
        self.channel = SchemaChannel(
            in_kernel=getattr(shell, "kernel", None) is not None, fragments=lambda: self._library().fragment_messages()
        )
        if shell is not None:
            register_ipython_completer(
                shell,
                lambda: self.session.schema if self.session else None,
                self.argument_parsers(),
                schema_name_magic="%" + self.ion_schema.__name__,
            )
            register_saved_name_completer(shell, lambda: self._library().saved_names())

    @property
    def _namespace(self) -> dict[str, Any]:
        """The user's namespace: what a cell's variables are read from and its result is assigned to."""
        if self.shell is None:
            raise IonError("The ion-magic magics run in an IPython shell: load them with %load_ext ion_magic.")
        return self.shell.user_ns

    def argument_parsers(self) -> dict[str, Any]:
        """Each magic's argument parser, keyed as typed ("%ion_login", "%%ion"): what its line completes."""
        return {
            prefix + name: method.parser
            for kind, prefix in (("line", "%"), ("cell", "%%"))
            for name, method in self.magics[kind].items()
            if hasattr(method, "parser")
        }

    # -- login ----------------------------------------------------------------------------------------
    @magic_arguments()
    @argument("--app", help="Your ION's address as the browser shows it, e.g. app.firstresonance.io.")
    @argument("--sandbox", action="store_true", help="Start the embedded ION sandbox and log in to it.")
    @argument("--env", choices=ENVIRONMENT_NAMES, help="ION environment by name (default: ION_ENV).")
    @argument("--client-id", help="API client id (default: ION_CLIENT_ID).")
    @argument("--api-url", help="API base URL of a custom deployment (/graphql is appended).")
    @argument("--auth-url", help="Auth server base URL of a custom deployment (the token path is appended).")
    @line_magic
    @user_errors
    def ion_login(self, line: str) -> LoginWidget | None:
        """Log in to ION: a widget, or with options no widget (the secret from ION_CLIENT_SECRET or a prompt).
        With no option at all, the widget is filled from the ION_* variables."""
        from .login import LoginRequest
        from .widgets import LoginWidget

        args = parse_options(self.ion_login, line)
        if not (args.app or args.sandbox or args.env or args.client_id or args.api_url or args.auth_url):
            return LoginWidget(self._login)
        request = LoginRequest(
            sandbox=args.sandbox,
            env=args.env,
            app=args.app,
            api_url=args.api_url,
            auth_url=args.auth_url,
            client_id=args.client_id,
        )
        print(self._login(request, ask_secret=self._ask_secret))
        return None

    @staticmethod
    def _ask_secret(client_id: str) -> str:
        try:
            return getpass.getpass(f"Client secret for {client_id}: ")
        except (StdinNotImplementedError, EOFError, OSError):
            raise IonError(
                "No client secret: set ION_CLIENT_SECRET, or run %ion_login where a prompt can be "
                "answered, or use the %ion_login widget."
            ) from None

    def _login(self, request: LoginRequest, ask_secret: Callable[[str], str] | None = None) -> str:
        """Log in as `request` says through the one login path; replaces any earlier login only once the new
        one works. Returns the status line."""
        from .login import login

        session = login(
            request,
            ask_secret=ask_secret,
            timeout=self.timeout,
            max_tries=self.max_tries,
            max_response_bytes=self.max_response_bytes,
        )
        if self.session is not None:
            self.session.close()
        self.session = session
        self.channel.publish(session)
        return status_line(session)

    def _print_summary(self, summary: str, session: IonSession, is_mutation: bool) -> None:
        where = where_tag(session, is_mutation)
        print("\n".join(line + where for line in summary.splitlines()))

    @line_magic
    def ion_logout(self, line: str = "") -> None:
        """Forget the token and the credentials."""
        if self.session is None:
            print("Not logged in.")
            return
        self.session.close()
        self.session = None
        self.channel.publish(None)
        print("Logged out: the token and the credentials are forgotten.")

    @line_magic
    def ion_status(self, line: str = "") -> None:
        """Environment, API URL, client id and token expiry; never a secret."""
        if self.session is None:
            print(NOT_LOGGED_IN)
            return
        for key, value in self.session.status().items():
            print(f"{key}: {value}")

    @magic_arguments()
    @argument("name", nargs="?", help="A type, query or mutation, e.g. Run or runs; without it, the roots.")
    @argument(
        "--search", metavar="WORD", help="List the types, fields and values whose name or description contains WORD."
    )
    @argument("--refresh", action="store_true", help="Introspect the API again instead of using the cache.")
    @line_magic
    @user_errors
    def ion_schema(self, line: str) -> None:
        """Browse the schema: a type, a query or a mutation by name (any case), or search it."""
        from .schema_docs import SchemaNameError, describe_name, describe_roots, describe_search, search_schema

        args = parse_options(self.ion_schema, line)
        session = self._require_session()
        if args.refresh:
            session.load_schema(refresh=True)
            self.channel.publish(session)
        if session.schema is None:
            raise IonError("The API refused introspection, so its schema is unknown.")
        try:
            if args.search is not None:
                print(describe_search(search_schema(session.schema, args.search), args.search))
            elif args.name:
                print(describe_name(session.schema, args.name))
            else:
                print(describe_roots(session.schema))
        except SchemaNameError as error:
            raise IonError(str(error)) from None

    def _require_session(self) -> IonSession:
        if self.session is None:
            raise NotLoggedInError(NOT_LOGGED_IN)
        return self.session

    # -- saved operations ----------------------------------------------------------------------------
    def _library(self) -> OperationLibrary:
        from .library import OperationLibrary

        return OperationLibrary(self.operations_dir or None)

    @line_magic
    @user_errors
    def ion_operations(self, line: str = "") -> None:
        """List the saved operations (with their variables) and the fragments (with their type)."""
        print(self._library().describe())
        self.channel.publish_fragments()

    @magic_arguments(name="ion")
    @argument("name", help="A saved operation's name (see %%ion_operations), or the path of a .graphql file.")
    @query_options
    @argument("--operation", metavar="OP", help="The operation to run when the file holds several.")
    @line_magic("ion")  # type: ignore[arg-type]  # IPython types line_magic(name) as a union of its two forms
    @user_errors
    def ion_line(self, line: str) -> Any:
        """Run a saved operation: %ion NAME [VAR] [options], with every option of %%ion."""
        args = parse_options(self.ion_line, line)
        library = self._library()
        saved = library.find(args.name, args.operation)
        return self._query(
            args, library.compose_saved(saved, self.session.schema if self.session else None), f"%ion {line.strip()}"
        )

    @magic_arguments()
    @argument(
        "action",
        nargs="?",
        choices=["list", "clear"],
        default="list",
        help="list (the default): the cached results and their sizes; clear: delete them all.",
    )
    @line_magic
    @user_errors
    def ion_cache(self, line: str) -> None:
        """The result cache of %%ion --cache: list its entries, or clear it."""
        from .result_cache import ResultCache, default_results_dir

        args = parse_options(self.ion_cache, line)
        cache = ResultCache(default_results_dir())
        if args.action == "clear":
            print(f"Removed {cache.clear()} cached result(s) from {cache.directory}.")
        else:
            print(describe_cache(cache))

    # -- queries -----------------------------------------------------------------------------------
    @magic_arguments()
    @query_options
    @argument("--save", metavar="NAME", help="Save the cell to NAME.graphql in the operations folder, then run it.")
    @cell_magic
    @user_errors
    def ion(self, line: str, cell: str) -> Any:
        """Run the GraphQL operation in the cell; return a DataFrame of the connection's nodes."""
        args = parse_options(self.ion, line)
        library = self._library()
        schema = self.session.schema if self.session else None
        if args.overwrite and not args.save and not args.out:
            raise IonError("--overwrite goes with --save NAME or --out PATH.")
        if args.save:
            saved = library.save(args.save, cell, schema, overwrite=args.overwrite)
            print(saved.message)
            self.channel.publish_fragments()
            if not saved.has_operation:
                return None
        return self._query(args, library.compose_cell(cell, schema), f"%%ion {line}".rstrip() + "\n" + cell)

    def _query(self, args: Any, document: ComposedDocument, as_run: str) -> Any:
        """Plan the document (the cell or a saved operation, with its library fragments) and run it;
        `as_run`: the magic as the user ran it, for the run's history record."""
        from .pipeline import QueryOptions, prepare
        from .progress import PullProgress
        from .result_cache import parse_ttl
        from .script import explain

        for note in document.notes:
            print(note, file=sys.stderr)
        if args.var is not None and not args.var.isidentifier():
            raise IonError(f"{args.var!r} is not a Python variable name.")
        for name in ("max_rows", "page_size", "concurrency"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                raise IonError(f"--{name.replace('_', '-')} must be at least 1.")
        if args.resume and not args.out:
            raise IonError("--resume continues an --out output: give the same --out PATH.")
        cache = args.cache or self.cache_ttl
        options = QueryOptions(
            all=args.all,
            max_rows=args.max_rows,
            page_size=args.page_size or self.page_size,
            after=args.after,
            explode=tuple(args.explode or ()),
            raw=args.raw,
            allow_mutation=args.allow_mutation or args.dry_run or args.explain,
            concurrency=args.concurrency or self.max_concurrency,
            out=args.out,
            overwrite=args.overwrite,
            resume=args.resume,
            dtype_backend=self.dtype_backend,
            cache_ttl=parse_ttl(cache) if cache else None,
            refresh=args.refresh,
        )
        session = self.session
        if session is None and not args.dry_run:
            raise NotLoggedInError(NOT_LOGGED_IN)
        plan = prepare(document.text, session.schema if session else None, self._namespace, options, line_offset=1)
        if args.dry_run or session is None:  # without a login, only --dry-run gets here
            print(plan.describe())
            return None
        if args.explain:
            print(
                explain(
                    plan,
                    api_url=session.api_url,
                    token_url=session.transport.token_url,
                    graphql_url=session.graphql_url,
                    client_id=session.client_id,
                    max_rows=args.max_rows,
                )
            )
            return None
        outcome = session.run(plan, options, PullProgress if self.show_progress and not args.no_progress else None)
        self.channel.record_run(
            as_run,
            run_roots(outcome),
            environment=session.environment,
            variables=sorted(plan.variables),
            redact=session.credentials.redact,
        )
        problems = outcome.problems()
        if problems:
            print(session.credentials.redact(problems), file=sys.stderr)
        if args.var:
            self._namespace[args.var] = outcome.value
            if outcome.results or outcome.failures or outcome.cached:
                self._print_summary(f"{outcome.summary()} → {args.var}", session, plan.cell.is_mutation)
            return None
        if outcome.cached or options.out or plan.cell.is_mutation:  # from where, to where, or written where
            self._print_summary(outcome.summary(), session, plan.cell.is_mutation)
        return None if options.out else outcome.value
