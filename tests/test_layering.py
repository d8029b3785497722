"""The import layering of ion_magic, read from the source (ast; nothing is imported or run).

- The pipeline (every module but the magic layer and the sandbox) imports neither IPython, ipywidgets nor a
  module of the magic layer, so that it runs and is tested without a notebook.
- Two functions of the pipeline reach past it when they are called, and only they: `IonSession.query`
  imports `progress` (a bar in a notebook, text elsewhere) for the Python API's pulls, and
  `session.embedded_sandbox` imports the sandbox when a login asks for it.
- The sandbox's own rules (no cycle, nothing of the client but the shared leaves) are in
  tests/sandbox/test_import_graph.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "ion_magic"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

# The magic layer: the modules that talk to IPython and Jupyter (and `lab`, which starts JupyterLab).
MAGIC_LAYER = {
    f"{PACKAGE}.{name}"
    for name in ("magics", "magic_options", "widgets", "schema_channel", "progress", "completion.ipython", "lab")
}
# The package's __init__ is the extension's entry point: load_ipython_extension imports the magics.
ENTRY_POINT = PACKAGE
SANDBOX = f"{PACKAGE}.sandbox"
NOTEBOOK_PACKAGES = ("IPython", "ipywidgets")
# (module, function) -> the module it may import when called, beyond the pipeline.
IMPORTS_ON_CALL = {
    (f"{PACKAGE}.session", "query"): f"{PACKAGE}.progress",
    (f"{PACKAGE}.session", "embedded_sandbox"): SANDBOX,
}


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


def allowed_on_call(imp: Import) -> bool:
    allowed = IMPORTS_ON_CALL.get((imp.importer, imp.function or ""))
    return allowed is not None and is_within(imp.imported, allowed)


def test_the_source_is_read():
    """Guards the other tests against passing on nothing: the package and its known imports are found."""
    assert MAGIC_LAYER <= MODULES
    assert {f"{PACKAGE}.session", SANDBOX} <= MODULES
    assert any(imp.importer == f"{PACKAGE}.magics" and is_within(imp.imported, "IPython") for imp in IMPORTS)
    assert {(imp.importer, imp.function or "") for imp in pipeline_imports() if allowed_on_call(imp)} == set(
        IMPORTS_ON_CALL
    )


def test_the_pipeline_imports_neither_ipython_nor_ipywidgets():
    offending = [
        str(imp) for imp in pipeline_imports() if any(is_within(imp.imported, package) for package in NOTEBOOK_PACKAGES)
    ]
    assert offending == []


def test_the_pipeline_imports_neither_the_magic_layer_nor_the_sandbox_but_where_called_for():
    offending = [
        str(imp)
        for imp in pipeline_imports()
        if (in_magic_layer(resolve(imp.imported)) or is_within(imp.imported, SANDBOX)) and not allowed_on_call(imp)
    ]
    assert offending == []
