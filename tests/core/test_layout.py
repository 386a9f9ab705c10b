"""The shape every package keeps (README, Architecture): the domain never imports its web
doors, modules do not import each other in circles, and no module grows past ~400 lines
without saying why at its top."""
import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

APP = Path(__file__).parents[2] / "app"
LIMIT = 400


def _modules():
    """{dotted name: path} of every module under app/ (a package by its own name)."""
    modules = {}
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(name, path, modules):
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                stem = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(stem + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {target for target in found if target in modules and target != name}


def _is_web(name):
    parts = name.split(".")
    return "web" in parts or parts[-1] == "forms" or parts[-1].endswith(("_views", "_forms"))


@pytest.fixture(scope="module")
def graph():
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        # A package importing its own modules (to register their routes) is Flask's idiom.
        graph[name] = {target for target in _imports(name, path, modules)
                       if not (path.name == "__init__.py" and target.startswith(name + "."))}
    return graph


def test_no_import_circles(graph):
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


def test_the_domain_never_imports_the_web_doors(graph):
    upward = [f"{a} -> {b}" for a, targets in graph.items() for b in targets
              if not _is_web(a) and ".api." not in f"{a}." and _is_web(b)]
    assert upward == []


def test_large_modules_say_why():
    unexplained = []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if len(text.splitlines()) > LIMIT and "over 400 lines" not in docstring:
            unexplained.append(name)
    assert unexplained == []
