"""The rooms keep their doors: no import cycles, no two apps leaning on each other, and
imports hidden inside functions only where a line says why (docs/architecture.md).

The layers themselves are import-linter's contracts in pyproject.toml (`make lint`).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import grimp
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every installed app of ours, and the project's own wiring.
PACKAGES = sorted(
    {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"},
)
IN_FUNCTION_IMPORTS_ALLOWED = 10


def _runtime(module: str) -> bool:
    """Whether a module is part of the running shop (tests and migrations are not)."""
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts


@cache
def _graph() -> grimp.ImportGraph:
    # Type-only imports (under TYPE_CHECKING) are no dependency at run time.
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def _imports() -> dict[str, set[str]]:
    graph = _graph()
    return {
        module: {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if _runtime(imported)
        }
        for module in graph.modules
        if _runtime(module)
    }


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(edges.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_between_project_modules() -> None:
    assert _cycles(_imports()) == []


def test_no_two_apps_import_each_other() -> None:
    between: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, imported in _imports().items():
        for target in imported:
            pair = (module.split(".")[0], target.split(".")[0])
            if pair[0] != pair[1]:
                between[pair].append(f"{module} -> {target}")
    mutual = {
        pair: (between[pair][:2], between[pair[::-1]][:2])
        for pair in between
        if pair < pair[::-1] and pair[::-1] in between
    }
    assert mutual == {}


def _in_function_imports() -> Iterator[tuple[str, int, str]]:
    """Yield (file, line, the line above) for each project import inside a function."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not _runtime(".".join(relative.with_suffix("").parts)):
                continue
            source = path.read_text()
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and not inner.level:
                        names = [inner.module or ""]
                    elif isinstance(inner, ast.Import):
                        names = [alias.name for alias in inner.names]
                    else:
                        continue
                    if any(name.split(".")[0] in PACKAGES for name in names):
                        yield str(relative), inner.lineno, lines[inner.lineno - 2].strip()


def test_imports_inside_functions_are_few_and_each_says_why() -> None:
    found = sorted(set(_in_function_imports()))

    assert len(found) <= IN_FUNCTION_IMPORTS_ALLOWED, found
    assert [(path, line) for path, line, above in found if not above.startswith("#")] == []
