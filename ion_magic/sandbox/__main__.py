"""`ion-sandbox`: run the embedded ION sandbox until Ctrl-C or SIGTERM.

    ion-sandbox                       # http://127.0.0.1:8765, in-memory demo factory
    ion-sandbox --port 0 --db demo.sqlite --scale 10 --rate-503 0.05 --latency 200
    ion-sandbox --tls --any-client    # https, tokens for any client: First Resonance's examples run unchanged

A client secret of your own comes from the environment (ION_SANDBOX_CLIENT_SECRET), never from the command
line, where every user of the machine could read it in the process list.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Sequence

from ion_magic.sandbox.auth import DEFAULT_TOKEN_LIFETIME, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from ion_magic.sandbox.faults import Faults
from ion_magic.sandbox.server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    SECRET_ENVIRONMENT_VARIABLE,
    RunningSandbox,
    start_sandbox,
)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


class _RefuseSecretOnCommandLine(argparse.Action):
    """`--client-secret` is refused without echoing its value: argv shows in `ps` to every user."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        parser.error(
            f"a client secret on the command line is visible to every user of the machine (ps); "
            f"set {SECRET_ENVIRONMENT_VARIABLE} instead"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ion-sandbox",
        description="Serve an embedded ION sandbox: GraphQL at /graphql, Keycloak-style tokens at "
        "/realms/api-keys/protocol/openid-connect/token.",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"interface to listen on (default %(default)s); any other than loopback needs a "
        f"client secret of your own in {SECRET_ENVIRONMENT_VARIABLE}",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default %(default)s; 0: any free)")
    parser.add_argument(
        "--db", default=":memory:", help="SQLite file (kept between runs, seeded when new) or :memory: (default)"
    )
    parser.add_argument("--scale", type=int, default=1, help="size of the seeded demo factory (default 1)")
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=DEFAULT_TOKEN_LIFETIME,
        metavar="SECONDS",
        help="lifetime of access tokens (default %(default)s)",
    )
    parser.add_argument(
        "--client-id",
        default=DEMO_CLIENT_ID,
        help=f"client id to accept (default: the demo one); its secret comes from "
        f"{SECRET_ENVIRONMENT_VARIABLE} (default: the demo one)",
    )
    parser.add_argument("--client-secret", nargs="?", action=_RefuseSecretOnCommandLine, help=argparse.SUPPRESS)
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a certificate for 127.0.0.1/localhost made in the user's cache "
        "directory, and print the variables that make scripts trust it",
    )
    parser.add_argument(
        "--any-client",
        action="store_true",
        help="issue a token to any client id and secret (teaching mode, loopback only), so "
        "scripts with their own client ids run unchanged",
    )
    parser.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log each request's method and path (default on)",
    )
    faults = parser.add_argument_group("fault injection (all off by default)")
    faults.add_argument("--latency", type=float, default=0.0, metavar="MS", help="added latency per request")
    for status in ("429", "502", "503", "504"):
        faults.add_argument(
            f"--rate-{status}",
            type=_probability,
            default=0.0,
            metavar="P",
            help=f"probability of an HTTP {status} answer",
        )
    faults.add_argument(
        "--rate-drop",
        type=_probability,
        default=0.0,
        metavar="P",
        help="probability of closing the connection without an answer",
    )
    faults.add_argument(
        "--retry-after", type=int, default=1, metavar="SECONDS", help="Retry-After of the 429 answers (default 1)"
    )
    faults.add_argument(
        "--gateway-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="answer 502 after this long when an unpaginated list exceeds --unpaginated-row-limit",
    )
    faults.add_argument(
        "--unpaginated-row-limit",
        type=int,
        default=None,
        metavar="N",
        help="rows an unpaginated list may return before the gateway timeout applies",
    )
    faults.add_argument(
        "--fail-every",
        type=int,
        default=0,
        metavar="N",
        help="only every Nth request may fail (default 0: any request)",
    )
    faults.add_argument("--faults-graphql-only", action="store_true", help="spare the token endpoint")
    faults.add_argument(
        "--faults-target",
        choices=["all", "queries", "mutations"],
        default="all",
        help="which GraphQL operations faults apply to (default all)",
    )
    faults.add_argument("--fault-seed", type=int, default=None, help="seed of the fault draws (reproducible runs)")
    return parser


def faults_from_args(args: argparse.Namespace) -> Faults:
    if (args.gateway_timeout is None) != (args.unpaginated_row_limit is None):
        raise SystemExit("ion-sandbox: --gateway-timeout and --unpaginated-row-limit go together")
    return Faults(
        latency_ms=args.latency,
        rate_429=args.rate_429,
        rate_502=args.rate_502,
        rate_503=args.rate_503,
        rate_504=args.rate_504,
        rate_drop=args.rate_drop,
        retry_after=args.retry_after,
        gateway_timeout=args.gateway_timeout,
        unpaginated_row_limit=args.unpaginated_row_limit,
        fail_every=args.fail_every,
        graphql_only=args.faults_graphql_only,
        target=args.faults_target,
        seed=args.fault_seed,
    )


def startup_lines(sandbox: RunningSandbox, secret_is_demo: bool) -> str:
    """What the CLI prints once the sandbox serves: URLs, the client, and the lines to paste for scripts."""
    if sandbox.any_client:
        client = (
            "  Clients:       ANY client id and secret get a token (--any-client: a teaching mode, loopback only)\n"
        )
    else:
        secret = DEMO_CLIENT_SECRET if secret_is_demo else f"(from {SECRET_ENVIRONMENT_VARIABLE})"
        client = f"  Client ID:     {sandbox.client_id}\n  Client secret: {secret}\n"
    lines = (
        f"ION sandbox running\n"
        f"  API URL:       {sandbox.api_url}   (GraphQL: POST {sandbox.graphql_url})\n"
        f"  Auth URL:      {sandbox.auth_url}   (token: POST {sandbox.token_url})\n{client}"
    )
    if sandbox.ca_file is not None:
        auth_server = sandbox.auth_url.removeprefix("https://")
        lines += (
            f"Paste these into the shell that runs your scripts (requests and httpx then trust this "
            f"sandbox's certificate):\n"
            f"  export ION_AUTH_SERVER={auth_server}\n"
            f"  export ION_API_URI={sandbox.api_url}\n"
            f"  export REQUESTS_CA_BUNDLE={sandbox.ca_file}\n"
            f"  export SSL_CERT_FILE={sandbox.ca_file}\n"
        )
    return lines + "Press Ctrl-C to stop."


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        faults = faults_from_args(args)
    except ValueError as error:
        raise SystemExit(f"ion-sandbox: {error}") from None
    client_secret = os.environ.get(SECRET_ENVIRONMENT_VARIABLE) or DEMO_CLIENT_SECRET
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop_requested = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.set())
    print(f"ion-sandbox: seeding the demo factory (scale {args.scale})...", flush=True)
    try:
        sandbox = start_sandbox(
            port=args.port,
            db=args.db,
            scale=args.scale,
            token_lifetime=args.token_lifetime,
            faults=faults,
            host=args.host,
            client_id=args.client_id,
            client_secret=client_secret,
            access_log=args.access_log,
            tls=args.tls,
            any_client=args.any_client,
        )
    except ValueError as error:
        raise SystemExit(f"ion-sandbox: {error}") from None
    print(startup_lines(sandbox, client_secret == DEMO_CLIENT_SECRET), flush=True)
    try:
        while not stop_requested.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        print("ion-sandbox: stopped", flush=True)


if __name__ == "__main__":
    main()
