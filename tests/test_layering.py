"""The import layering of ion_magic, read from the source (ast; nothing is imported or run).

- The pipeline (every module except the magic layer and the sandbox) imports neither IPython, ipywidgets nor
  a module of the magic layer, so that it runs and is tested without a notebook.
- The pipeline does not import the sandbox, except in one place: `session.embedded_sandbox`, a function
  that a login asking for the sandbox calls, imports it when it first runs.
- The sandbox imports nothing of the client: of ion_magic outside `ion_magic.sandbox` it may use only the
  shared leaf modules, which import nothing of ion_magic themselves.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "ion_magic"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

# The magic layer: the modules that may talk to IPython and Jupyter. `cell_completer` is the completion glue
# before its move into the completion package (`completion.ipython`). `progress` is not among them: the
# pipeline draws its progress through it, and it imports only tqdm (which picks a widget or text itself).
MAGIC_LAYER = {f"{PACKAGE}.{name}" for name in (
    "magics", "widgets", "schema_channel", "lab", "cell_completer", "completion.ipython")}
# The package's __init__ is the extension's entry point: load_ipython_extension imports the magics.
ENTRY_POINT = PACKAGE
SANDBOX = f"{PACKAGE}.sandbox"
NOTEBOOK_PACKAGES = ("IPython", "ipywidgets")
# The one place the pipeline starts the embedded sandbox: (module, enclosing function).
SANDBOX_STARTERS = {(f"{PACKAGE}.session", "embedded_sandbox")}
# Modules of the client that the sandbox shares: each imports nothing of ion_magic.
SHARED_LEAVES = {f"{PACKAGE}.paths", f"{PACKAGE}.cursors"}


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, dotted
    imported: str  # the imported module (or module.name for `from module import name`), dotted
    function: str | None  # the enclosing function when the import runs on a call, else None
    line: int

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"{self.importer}:{self.line}{where} imports {self.imported}"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


class _ImportCollector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.functions: list[str] = []
        self.imports: list[Import] = []

    def _add(self, imported: str, node: ast.stmt) -> None:
        function = self.functions[-1] if self.functions else None
        self.imports.append(Import(self.module, imported, function, node.lineno))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.rsplit(".", node.level - 1)[0] if node.level > 1 else self.package
            source = f"{base}.{node.module}" if node.module else base
        else:
            source = node.module or ""
        for alias in node.names:
            # `from . import errors` imports a module; `from .errors import IonError` a name of one.
            self._add(f"{source}.{alias.name}", node)


def collect_imports() -> list[Import]:
    imports = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        collector = _ImportCollector(module_name(path), is_package=path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        imports += collector.imports
    return imports


IMPORTS = collect_imports()
MODULES = {module_name(path) for path in PACKAGE_DIR.rglob("*.py")}


def resolve(imported: str) -> str:
    """The module of ion_magic an import names (the longest known prefix), or the name as it is."""
    prefixes = [imported.rsplit(".", cut)[0] for cut in range(imported.count(".") + 1)]
    return next((prefix for prefix in prefixes if prefix in MODULES), imported)


def in_magic_layer(module: str) -> bool:
    return module in MAGIC_LAYER or module == ENTRY_POINT


def pipeline_imports() -> list[Import]:
    return [imp for imp in IMPORTS if not in_magic_layer(imp.importer) and not is_within(imp.importer, SANDBOX)]


def test_the_source_is_read():
    """Guards the other tests against passing on nothing: the package and its known imports are found."""
    assert {f"{PACKAGE}.session", f"{PACKAGE}.magics", SANDBOX} <= MODULES
    assert any(imp.importer == f"{PACKAGE}.magics" and is_within(imp.imported, "IPython") for imp in IMPORTS)
    assert any(is_within(imp.imported, SANDBOX) for imp in pipeline_imports())


def test_the_pipeline_imports_neither_ipython_nor_ipywidgets():
    offending = [str(imp) for imp in pipeline_imports()
                 if any(is_within(imp.imported, package) for package in NOTEBOOK_PACKAGES)]
    assert offending == []


def test_the_pipeline_imports_nothing_of_the_magic_layer():
    offending = [str(imp) for imp in pipeline_imports() if in_magic_layer(resolve(imp.imported))]
    assert offending == []


def test_the_pipeline_imports_the_sandbox_only_where_a_login_starts_it():
    sandbox_imports = [imp for imp in pipeline_imports() if is_within(imp.imported, SANDBOX)]
    offending = [str(imp) for imp in sandbox_imports if (imp.importer, imp.function) not in SANDBOX_STARTERS]
    assert offending == []
    assert {(imp.importer, imp.function) for imp in sandbox_imports} == SANDBOX_STARTERS


def test_the_sandbox_imports_nothing_of_the_client_but_the_shared_leaves():
    outside = [imp for imp in IMPORTS if is_within(imp.importer, SANDBOX) and is_within(imp.imported, PACKAGE)
               and not is_within(imp.imported, SANDBOX)]
    offending = [str(imp) for imp in outside if not any(is_within(imp.imported, leaf) for leaf in SHARED_LEAVES)]
    assert offending == []


@pytest.mark.parametrize("leaf", sorted(SHARED_LEAVES))
def test_a_shared_leaf_imports_nothing_of_ion_magic(leaf):
    assert leaf in MODULES
    assert [str(imp) for imp in IMPORTS if imp.importer == leaf and is_within(imp.imported, PACKAGE)] == []
