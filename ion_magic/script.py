"""--explain: the plain Python (httpx + pandas) that does what a planned %%ion cell does.

Everything taken from the cell (the document, variables, cursors) is written as a Python literal built by
`repr`, never pasted inside quotes, so no cell text can close a string and become code; importing the
script runs nothing (the requests are under `if __name__ == "__main__":`).
"""

from __future__ import annotations

import re
from pprint import pformat
from typing import Any

import orjson

from .operation import OperationPlan, RootPlan
from .options import TIMEOUT
from .rewrite import PAGE_INFO_ALIAS

HEADER = '''"""{title}: the plain-Python equivalent of a %%ion cell (written by ion-magic's --explain).

Needs httpx and pandas. Set ION_CLIENT_SECRET (and ION_CLIENT_ID) in the environment, then run it.
"""
import os

import httpx
import pandas as pd

API_URL = {api_url!r}
TOKEN_URL = {token_url!r}
GRAPHQL_URL = {graphql_url!r}
CLIENT_ID = os.environ.get("ION_CLIENT_ID", {client_id!r})


def get_token(client: httpx.Client) -> str:
    """Client-credentials grant against ION's Keycloak."""
    form = {{"grant_type": "client_credentials", "client_id": CLIENT_ID,
            "client_secret": os.environ["ION_CLIENT_SECRET"], "audience": API_URL}}
    response = client.post(TOKEN_URL, data=form)
    response.raise_for_status()
    return response.json()["access_token"]


def run_query(client: httpx.Client, token: str, query: str, variables: dict) -> dict:
    response = client.post(GRAPHQL_URL, json={{"query": query, "variables": variables}},
                           headers={{"Authorization": f"Bearer {{token}}"}})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]
'''

PAGED = '''

{constant} = {document}


def fetch_{name}(client: httpx.Client, token: str) -> pd.DataFrame:
    """Every page of {key}: the rows after the last page's endCursor until hasNextPage is false."""
    variables = {variables}
    nodes = []
    after = {after!r}
    while True:
        variables[{after_variable!r}] = after{first_line}
        connection = run_query(client, token, {constant}, variables)[{key!r}]
        for edge in connection[{edges_key!r}]:
            if edge and edge[{node_key!r}] is not None:
                nodes.append(edge[{node_key!r}])
        page_info = connection[{page_info!r}]
        if not page_info["hasNextPage"]{stop}:
            break
        after = page_info["endCursor"]
    return pd.json_normalize(nodes{limit})
'''

SINGLE = """

{constant} = {document}


def fetch_{name}(client: httpx.Client, token: str) -> pd.DataFrame:
    value = run_query(client, token, {constant}, {variables})[{key!r}]
    rows = value if isinstance(value, list) else [value] if value is not None else []
    return pd.json_normalize(rows)
"""


MUTATION = '''

MUTATION = {document}


def apply_mutation(client: httpx.Client, token: str) -> dict:
    """Every field of the mutation in one request, sent once: a write is never sent again on a failure."""
    data = run_query(client, token, MUTATION, {variables})
    frames = {{}}
    for key, value in data.items():
        rows = value if isinstance(value, list) else [value] if value is not None else []
        frames[key] = pd.json_normalize(rows)
    return frames
'''


def explain(
    plan: OperationPlan, *, api_url: str, token_url: str, graphql_url: str, client_id: str, max_rows: int | None = None
) -> str:
    """A standalone script; it reads the secret from the environment and never contains it."""
    parts = [
        HEADER.format(
            title=plan.cell.name or "query",
            api_url=api_url,
            token_url=token_url,
            graphql_url=graphql_url,
            client_id=client_id,
        )
    ]
    if plan.mutation_document is not None:
        parts.append(
            MUTATION.format(document=python_string(plan.mutation_document), variables=json_literal(plan.variables))
        )
        parts.append(
            f'\n\nif __name__ == "__main__":\n    with httpx.Client(timeout={TIMEOUT:g}) as client:\n'
            "        for key, frame in apply_mutation(client, get_token(client)).items():\n"
            "            print(key)\n            print(frame)\n"
        )
        return "".join(parts)
    names = []
    for root in plan.roots:
        name = _snake(root.response_key)
        names.append((name, root.response_key))
        parts.append(_root_function(root, name, max_rows))
    body = "\n".join(f"        {name} = fetch_{name}(client, token)" for name, _ in names)
    shown = "\n".join(f"    print({name})" for name, _ in names)
    parts.append(
        f'\n\nif __name__ == "__main__":\n    with httpx.Client(timeout={TIMEOUT:g}) as client:\n'
        f"        token = get_token(client)\n{body}\n{shown}\n"
    )
    return "".join(parts)


def python_string(text: str) -> str:
    """`text` as a Python expression that evaluates to exactly it: one repr per line, concatenated."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= 1:
        return repr(text)
    return "(\n" + "".join(f"    {line!r}\n" for line in lines) + ")"


def json_literal(value: Any) -> str:
    """`value` as it travels (JSON, non-JSON values as strings, as the transport sends them), as a literal."""
    return pformat(orjson.loads(orjson.dumps(value, default=str)), width=90)


def _root_function(root: RootPlan, name: str, max_rows: int | None) -> str:
    fields = {
        "constant": f"{name.upper()}_QUERY",
        "document": python_string(root.document),
        "name": name,
        "key": root.response_key,
        "variables": json_literal(root.variables),
    }
    paging = root.paging
    if paging is None:
        return SINGLE.format(**fields)
    multi_page = paging.follow
    first_line = ""
    if paging.first_variable:
        first_line = f"\n        variables[{paging.first_variable!r}] = {paging.page_size}"
    stop = "" if multi_page else " or True"
    if max_rows is not None and multi_page:
        stop = f" or len(nodes) >= {max_rows}"
    return PAGED.format(
        **fields,
        after=paging.start_cursor,
        after_variable=paging.after_variable,
        first_line=first_line,
        node_key=paging.node_key,
        edges_key=paging.edges_key,
        page_info=PAGE_INFO_ALIAS,
        stop=stop,
        limit=f"[:{max_rows}]" if max_rows is not None else "",
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
