"""The sandbox's import graph, read from the source (every import statement, typing-only ones included):
it has no cycle, its shared request types import nothing of it, and it never imports the client."""

from __future__ import annotations

import ast
from pathlib import Path

import ion_magic

PACKAGE_ROOT = Path(ion_magic.__file__).parent
SANDBOX = "ion_magic.sandbox"
CLIENT_LEAVES = {"ion_magic.paths", "ion_magic.cursors"}
"""The only modules of ion_magic outside the sandbox that it may import: leaves that import nothing of ours."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(package: str) -> dict[str, Path]:
    folder = PACKAGE_ROOT.parent.joinpath(*package.split("."))
    return {_module_name(path): path for path in sorted(folder.rglob("*.py"))}


def _imports(module: str, source: str, known: set[str], *, is_package: bool = False) -> set[str]:
    """The ion_magic modules `module` imports anywhere in its source; `from X import name` counts as an
    import of `X.name` when that is a module."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name == "ion_magic" or name.startswith("ion_magic.")}


def _imports_of(module: str, path: Path) -> set[str]:
    return _imports(
        module, path.read_text(encoding="utf-8"), set(_modules("ion_magic")), is_package=path.name == "__init__.py"
    )


def _graph() -> dict[str, set[str]]:
    return {module: _imports_of(module, path) for module, path in _modules(SANDBOX).items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the graph's modules, as a path that ends where it starts, or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        trail.append(module)
        for target in sorted(graph.get(module, ()) & graph.keys()):
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        trail.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_graph_sees_runtime_and_typing_imports() -> None:
    graph = _graph()
    assert f"{SANDBOX}.store" in graph[f"{SANDBOX}.api"]
    assert f"{SANDBOX}.mutations.parts" in graph[f"{SANDBOX}.mutations"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    # A typing-only import still counts: it is what tied the sandbox into one circle before.
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ion_magic.sandbox.api import X\n"
    assert _imports(f"{SANDBOX}.loaders", source, set()) == {f"{SANDBOX}.api"}
    # Relative imports resolve against the importing module's package.
    assert _imports(
        f"{SANDBOX}.mutations.runs",
        "from ..store import Store\nfrom . import inputs\n",
        {f"{SANDBOX}.mutations.inputs"},
    ) == {f"{SANDBOX}.store", f"{SANDBOX}.mutations.inputs"}


def test_the_sandbox_has_no_import_cycle() -> None:
    assert _cycle(_graph()) is None, f"import cycle: {' -> '.join(_cycle(_graph()) or [])}"


def test_the_request_context_imports_nothing_of_the_sandbox() -> None:
    assert _graph()[f"{SANDBOX}.context"] == set()


def test_the_sandbox_never_imports_the_client() -> None:
    outside = {
        module: sorted(
            name
            for name in imported
            if name != SANDBOX and not name.startswith(f"{SANDBOX}.") and name not in CLIENT_LEAVES
        )
        for module, imported in _graph().items()
    }
    assert {module: names for module, names in outside.items() if names} == {}
    modules = _modules("ion_magic")
    for leaf in CLIENT_LEAVES:
        assert _imports_of(leaf, modules[leaf]) == set(), f"{leaf} must stay a leaf the sandbox can import"
