"""An in-process IPython shell with ion_magic loaded and logged in to the session's sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture(scope="session")
def shell(sandbox, tmp_path_factory) -> Iterator[InteractiveShell]:
    patch = pytest.MonkeyPatch()
    patch.setenv("ION_MAGIC_CACHE_DIR", str(tmp_path_factory.mktemp("schema-cache")))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "ion_magic")
    with pytest.MonkeyPatch.context() as secret:  # only for the login: kernels started later must not inherit it
        secret.setenv("ION_CLIENT_SECRET", sandbox.client_secret)
        ip.run_line_magic(
            "ion_login", f"--api-url {sandbox.api_url} --auth-url {sandbox.auth_url} --client-id {sandbox.client_id}"
        )
    yield ip
    ip.run_line_magic("ion_logout", "")
    patch.undo()


@pytest.fixture
def ion(shell):
    """`ion(line, cell)` runs a %%ion cell in the shell and returns its value."""
    return lambda line, cell: shell.run_cell_magic("ion", line, cell)
