"""The layout a newcomer finds: no import cycle among the modules, no module over 400 lines,
and every module listed in docs/architecture.md's table at its current path.

Read from the source with ``ast`` (nothing is imported), so the checks hold for any change of
layout. Each checker returns what it found, and the tests at the end show it catches a breach.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "ui")
MAX_MODULE_LINES = 400
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_time_dependencies(source: str, known: Iterable[str]) -> set[str]:
    """The modules of ``known`` that importing ``source`` imports: statements at module level
    (a class body counts; a function body and an ``if TYPE_CHECKING`` block do not)."""
    names = set(known)
    found: set[str] = set()
    pending = [n for n in ast.parse(source).body if not _is_type_checking(n)]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in names else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        pending.extend(
            child for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt) and not _is_type_checking(child)
        )
    return {name for name in found if name in names}


def import_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def dependency_graph(root: Path) -> dict[str, set[str]]:
    found = modules(root)
    return {
        name: import_time_dependencies(path.read_text(encoding="utf-8"), found) - {name}
        for name, path in found.items()
    }


def long_modules(root: Path, limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    lengths = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules(root).values()
    }
    return {path: lines for path, lines in lengths.items() if lines > limit}


def listed_modules(table: str) -> set[str]:
    """The module paths a Markdown table names: a path in backticks (``assistant/x.py``), and
    after a folder or a path the bare names of the same row (``compare.py``, ``serve``) in it."""
    listed: set[str] = set()
    for row in table.splitlines():
        folder = ""
        for token in re.findall(r"`([^`\s]+)`", row):
            if token.startswith(("assistant/", "ui/")):
                folder = token if token.endswith("/") else token.rsplit("/", 1)[0] + "/"
                if token.endswith(".py"):
                    listed.add(token)
            elif folder and re.fullmatch(r"\w+(\.py)?", token):
                listed.add(folder + (token if token.endswith(".py") else token + ".py"))
    return listed


def unlisted_modules(root: Path, table: str) -> list[str]:
    """Modules (not package ``__init__``s) that the architecture page's table does not name."""
    listed = listed_modules(table)
    return [
        str(path.relative_to(root)) for path in modules(root).values()
        if not path.name.startswith("__") and str(path.relative_to(root)) not in listed
    ]


def test_no_import_cycle() -> None:
    assert import_cycles(dependency_graph(ROOT)) == []


def test_no_module_over_400_lines() -> None:
    assert long_modules(ROOT) == {}


def test_every_module_is_in_the_architecture_table() -> None:
    assert unlisted_modules(ROOT, ARCHITECTURE.read_text(encoding="utf-8")) == []


def test_cycle_checker_catches_a_cycle_through_three_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_and_type_checking_do_not_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import x.a\n"
        "from x.b import thing\n"
        "from x import c\n"
        "if TYPE_CHECKING:\n    from x.d import T\n"
        "def later():\n    from x.e import f\n"
        "class K:\n    from x.f import g\n"
    )
    known = {"x.a", "x.b", "x.c", "x.d", "x.e", "x.f"}
    assert import_time_dependencies(source, known) == {"x.a", "x.b", "x.c", "x.f"}


def test_length_checker_catches_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "assistant").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "assistant" / "long.py").write_text("x = 1\n" * 401)
    (tmp_path / "assistant" / "short.py").write_text("x = 1\n" * 400)
    assert long_modules(tmp_path) == {"assistant/long.py": 401}


def test_table_checker_catches_a_module_missing_from_the_table(tmp_path: Path) -> None:
    (tmp_path / "assistant" / "cli").mkdir(parents=True)
    (tmp_path / "ui").mkdir()
    for name in ("assistant/__init__.py", "assistant/a.py", "assistant/b.py",
                 "assistant/cli/parser.py", "assistant/cli/serve.py"):
        (tmp_path / name).write_text("")
    table = (
        "| x | `assistant/a.py`, `c.py` | job |\n"
        "| x | `assistant/cli/` | the `assistant` command: `parser`, `serve` |\n"
    )
    assert unlisted_modules(tmp_path, table) == ["assistant/b.py"]
