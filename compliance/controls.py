"""Find the controls: the code tagged with the clause it keeps (`core.clauses.enforces`).

Read from the source, not from what happens to be imported: a decorator
`@enforces("P5", "why")` on a function or class, and in settings and templates, where no
function stands, a comment `# enforces P6: why` or `{# enforces P15: why #}`. Tests and
migrations are not controls.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

from core.clauses import CLAUSE_ID

COMMENT_TAG = re.compile(r"(?:#|\{#)\s*enforces\s+(P\d+):\s*(.+?)\s*(?:#\})?$")
SKIPPED_PARTS = frozenset({"tests", "migrations", "__pycache__"})


@dataclass(frozen=True)
class Control:
    clause: str
    why: str
    # Where it lives: module.function, or a path for a template or settings comment.
    where: str
    path: str  # relative to the project
    line: int


def _roots() -> list[Path]:
    """Return the project's own folders: its apps, the settings and the templates."""
    base = Path(settings.BASE_DIR).resolve()
    roots = {base / "config", base / "templates"}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            roots.add(path)
    return sorted(root for root in roots if root.is_dir())


def _files(roots: Iterable[Path], base: Path) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or not path.is_file():
                continue
            if SKIPPED_PARTS & set(path.relative_to(base).parts):
                continue
            yield path


def _decorated(tree: ast.Module, module: str) -> Iterator[tuple[str, str, str, int]]:
    """Yield (clause, why, where, line) for each `@enforces("Pn", "why")` in a module."""
    stack: list[tuple[ast.AST, str]] = [(tree, module)]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                where = f"{prefix}.{child.name}"
                for decorator in child.decorator_list:
                    tag = _tag_of(decorator)
                    if tag:
                        yield tag[0], tag[1], where, decorator.lineno
                stack.append((child, where))
            else:
                stack.append((child, prefix))


def _tag_of(decorator: ast.expr) -> tuple[str, str] | None:
    if not isinstance(decorator, ast.Call):
        return None
    name = decorator.func
    called = name.id if isinstance(name, ast.Name) else getattr(name, "attr", "")
    if called != "enforces" or len(decorator.args) != 2:
        return None
    clause, why = decorator.args
    if isinstance(clause, ast.Constant) and isinstance(why, ast.Constant):
        return str(clause.value), str(why.value)
    return None


def controls_found(roots: Iterable[Path] | None = None) -> list[Control]:
    """Return every tagged control in the project's source, in file order."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for path in _files(roots if roots is not None else _roots(), base):
        relative = path.relative_to(base).as_posix()
        text = path.read_text(encoding="utf-8")
        if "enforces" not in text:
            continue
        if path.suffix == ".py":
            module = relative.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            for clause, why, where, line in _decorated(ast.parse(text), module):
                found.append(Control(clause, why, where, relative, line))
        for number, line_text in enumerate(text.splitlines(), start=1):
            match = COMMENT_TAG.match(line_text.strip())
            if match:
                found.append(Control(match[1], match[2], relative, relative, number))
    return [control for control in found if CLAUSE_ID.fullmatch(control.clause)]
