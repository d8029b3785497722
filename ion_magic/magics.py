"""The magics: %ion_login, %ion_logout, %ion_status, %ion_schema and %%ion.

This layer parses its own arguments, calls the pipeline and shows the outcome. Every error a user can
cause is one message (IPython's UsageError), never a traceback. The client stack (httpx, graphql-core,
ipywidgets) is imported when a magic first needs it, so `%load_ext ion_magic` stays quick.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import StdinNotImplementedError, UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Bool, Float, Integer, TraitError, validate

from .cell_completer import register_ipython_completer
from .environments import CUSTOM, ENVIRONMENT_NAMES, SANDBOX
from .errors import IonError, NotLoggedInError
from .schema_channel import SchemaChannel

if TYPE_CHECKING:
    from .session import IonSession
    from .widgets import LoginRequest, LoginWidget

NOT_LOGGED_IN = "Not logged in: run %ion_login (or %ion_login --sandbox to use the embedded ION sandbox)."


def _arguments(magic: Callable[..., Any], line: str) -> Any:
    """The magic's parsed options; unbalanced quotes are a usage error like any other bad option."""
    try:
        return parse_argstring(magic, line)
    except ValueError as error:
        raise IonError(f"Cannot read the options {line!r}: {error}.") from None


def user_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Show IonErrors as one message without a traceback, with any secret masked."""

    @functools.wraps(method)
    def wrapper(self: IonMagic, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except IonError as error:
            message = str(error)
            if self.session is not None:
                message = self.session.credentials.redact(message)
            raise UsageError(message) from None

    return wrapper


@magics_class
class IonMagic(Magics):
    """Query ION Factory OS from IPython. Options: %config IonMagic.<name> = value."""

    page_size = Integer(100, help="`first` used when the magic pages a connection.").tag(config=True)
    timeout = Float(60.0, help="Seconds to wait for one HTTP request.").tag(config=True)
    max_tries = Integer(5, help="Tries per query request (retries on 429, 502-504, lost connections).").tag(config=True)
    max_concurrency = Integer(4, help="Pages in flight at once when offset cursors allow it; 1: one at a time.").tag(
        config=True)
    show_progress = Bool(True, help="Show a progress bar when more than one page is fetched.").tag(config=True)

    @validate("page_size", "max_tries", "max_concurrency")
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
        self.channel = SchemaChannel(in_kernel=getattr(shell, "kernel", None) is not None)
        if shell is not None:
            register_ipython_completer(shell, lambda: self.session.schema if self.session else None)

    # -- login -------------------------------------------------------------------------------------
    @magic_arguments()
    @argument("--sandbox", action="store_true", help="Start the embedded ION sandbox and log in to it.")
    @argument("--env", choices=ENVIRONMENT_NAMES, help="ION environment (default: ION_ENV).")
    @argument("--client-id", help="API client id (default: ION_CLIENT_ID).")
    @argument("--api-url", help="API base URL of any ION-compatible deployment (/graphql is appended).")
    @argument("--auth-url", help="Auth server base URL (the Keycloak token path is appended).")
    @line_magic
    @user_errors
    def ion_login(self, line: str) -> LoginWidget | None:
        """Log in to ION: a widget, or with options no widget (the secret from ION_CLIENT_SECRET or a prompt)."""
        from .widgets import LoginRequest, LoginWidget

        args = _arguments(self.ion_login, line)
        if args.sandbox or args.env == SANDBOX:
            print(self._login(LoginRequest(SANDBOX, "", "")))
            return None
        if args.env or args.client_id or args.api_url or args.auth_url:
            client_id = args.client_id or os.environ.get("ION_CLIENT_ID")
            if not client_id:
                raise IonError("Give --client-id (or set ION_CLIENT_ID).")
            environment = args.env or (CUSTOM if args.api_url or args.auth_url else os.environ.get("ION_ENV"))
            if not environment:
                raise IonError("Give --env NAME, or --api-url and --auth-url (or set ION_ENV).")
            request = LoginRequest(environment, client_id, self._secret(client_id),
                                   args.api_url or "", args.auth_url or "")
            print(self._login(request))
            return None
        return LoginWidget(
            self._login,
            environment=os.environ.get("ION_ENV", SANDBOX) if os.environ.get("ION_ENV") in ENVIRONMENT_NAMES
            else SANDBOX,
            client_id=os.environ.get("ION_CLIENT_ID", ""),
            api_url=os.environ.get("ION_API_URL", ""),
            auth_url=os.environ.get("ION_AUTH_URL", ""),
        )

    def _secret(self, client_id: str) -> str:
        secret = os.environ.get("ION_CLIENT_SECRET")
        if secret:
            return secret
        try:
            secret = getpass.getpass(f"Client secret for {client_id}: ")
        except (StdinNotImplementedError, EOFError, OSError):
            raise IonError("No client secret: set ION_CLIENT_SECRET, or run %ion_login where a prompt can be "
                           "answered, or use the %ion_login widget.") from None
        if not secret:
            raise IonError("No client secret was given.")
        return secret

    def _login(self, request: LoginRequest) -> str:
        """Log in as `request` says; replaces any earlier login. Returns the status line."""
        from .session import IonSession, embedded_sandbox, resolve_target

        client_id, secret = request.client_id, request.client_secret
        if request.environment == SANDBOX:
            sandbox = embedded_sandbox()
            client_id, secret = sandbox.client_id, sandbox.client_secret
        elif not client_id or not secret:
            raise IonError("Both the client id and the client secret are needed.")
        name, api_url, auth_url = resolve_target(request.environment, api_url=request.api_url or None,
                                                 auth_url=request.auth_url or None)
        session = IonSession(name, api_url, auth_url, client_id, secret, timeout=self.timeout,
                             max_tries=self.max_tries)
        try:
            session.login()
        except BaseException:
            session.close()
            raise
        if self.session is not None:
            self.session.close()
        self.session = session
        self.channel.publish(session.introspection, session.graphql_url)
        return self._status_line(session)

    @staticmethod
    def _status_line(session: IonSession) -> str:
        left = session.credentials.seconds_left()
        expires = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=left)).strftime("%H:%M:%S UTC")
        schema = session.schema
        if schema is None:
            known = "schema unknown (introspection refused): dtypes are inferred, cells are not validated"
        else:
            mutations = len(schema.mutation_type.fields) if schema.mutation_type else 0
            known = f"schema: {len(schema.query_type.fields)} queries, {mutations} mutations"
        return (f"Logged in to {session.environment} ({session.graphql_url}) as client {session.client_id}; "
                f"the token expires at {expires} (in {left / 60:.0f} min) and is renewed as needed; {known}.")

    @line_magic
    def ion_logout(self, line: str = "") -> None:
        """Forget the token and the credentials."""
        if self.session is None:
            print("Not logged in.")
            return
        self.session.close()
        self.session = None
        self.channel.publish(None, None)
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
    @argument("type", nargs="?", help="A type name, e.g. Run; without it, the queries and mutations.")
    @argument("--refresh", action="store_true", help="Introspect the API again instead of using the cache.")
    @line_magic
    @user_errors
    def ion_schema(self, line: str) -> None:
        """Browse the schema: fields with types and descriptions, enum values."""
        from .schema import describe_roots, describe_type

        args = _arguments(self.ion_schema, line)
        session = self._require_session()
        if args.refresh:
            session.load_schema(refresh=True)
            self.channel.publish(session.introspection, session.graphql_url)
        if session.schema is None:
            raise IonError("The API refused introspection, so its schema is unknown.")
        if args.type:
            try:
                print(describe_type(session.schema, args.type))
            except KeyError as error:
                raise IonError(error.args[0]) from None
        else:
            print(describe_roots(session.schema))

    def _require_session(self) -> IonSession:
        if self.session is None:
            raise NotLoggedInError(NOT_LOGGED_IN)
        return self.session

    # -- queries -----------------------------------------------------------------------------------
    @magic_arguments()
    @argument("var", nargs="?", help="Also assign the result to this variable (then print a summary).")
    @argument("--all", action="store_true", help="Follow pageInfo.endCursor until hasNextPage is false.")
    @argument("--max-rows", type=int, help="Stop once N rows are in.")
    @argument("--page-size", type=int, help="`first` to use when the magic pages (default IonMagic.page_size).")
    @argument("--after", help="Start after this cursor (to resume).")
    @argument("--concurrency", type=int, help="Pages in flight at once (default IonMagic.max_concurrency).")
    @argument("--explode", help="One row per element of the list field at PATH.")
    @argument("--no-progress", action="store_true", help="Show no progress bar for this cell.")
    @argument("--raw", action="store_true", help="Return the response's data dict untouched.")
    @argument("--allow-mutation", action="store_true", help="Required to run a mutation.")
    @argument("--dry-run", action="store_true", help="Parse, validate, bind and plan; send nothing.")
    @argument("--explain", action="store_true", help="Print the plain Python that does the same; send nothing.")
    @cell_magic
    @user_errors
    def ion(self, line: str, cell: str) -> Any:
        """Run the GraphQL operation in the cell; return a DataFrame of the connection's nodes."""
        from .pipeline import QueryOptions, prepare
        from .progress import PullProgress
        from .script import explain

        args = _arguments(self.ion, line)
        if args.var is not None and not args.var.isidentifier():
            raise IonError(f"{args.var!r} is not a Python variable name.")
        for name in ("max_rows", "page_size", "concurrency"):
            if getattr(args, name) is not None and getattr(args, name) < 1:
                raise IonError(f"--{name.replace('_', '-')} must be at least 1.")
        options = QueryOptions(all=args.all, max_rows=args.max_rows, page_size=args.page_size or self.page_size,
                               after=args.after, explode=args.explode, raw=args.raw,
                               allow_mutation=args.allow_mutation or args.dry_run or args.explain,
                               concurrency=args.concurrency or self.max_concurrency)
        session = self.session
        if session is None and not args.dry_run:
            raise NotLoggedInError(NOT_LOGGED_IN)
        plan = prepare(cell, session.schema if session else None, self.shell.user_ns, options, line_offset=1)
        if args.dry_run:
            print(plan.describe())
            return None
        if args.explain:
            print(explain(plan, api_url=session.api_url, token_url=session.transport.token_url,
                          graphql_url=session.graphql_url, client_id=session.client_id, max_rows=args.max_rows))
            return None
        outcome = session.run(plan, options, PullProgress if self.show_progress and not args.no_progress else None)
        problems = outcome.problems()
        if problems:
            print(session.credentials.redact(problems), file=sys.stderr)
        if args.var:
            self.shell.user_ns[args.var] = outcome.value
            if outcome.results:
                print(f"{outcome.summary()} → {args.var}")
            return None
        return outcome.value
