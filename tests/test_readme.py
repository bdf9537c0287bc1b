"""README.md shows only what exists: every Python name it imports or uses, every field it lists,
every ``assistant`` command and option, every ``ASSISTANT_*`` setting and every link.

The names are imported and looked up for real (``import assistant`` is cheap: no model loads);
the commands go through the CLI's own argparse parser. Each checker returns the problems it
found, so the tests at the end can show that each one catches a name that does not exist.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import dataclasses
import importlib
import inspect
import io
import re
import shlex
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli import build_parser, route_eval
from assistant.config import Settings, setting_bounds

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAX_LINES = 200
# Where the names a README reader uses live.
PUBLIC_MODULES = ("assistant", "assistant.types", "assistant.errors", "assistant.config")

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+)`")
_CLASS_NAME = re.compile(r"[A-Z][a-z]+[A-Za-z]*")
_DOTTED = re.compile(r"([A-Z][a-z][A-Za-z]*)\.(\w+)(?:\(\))?")
_FIELD_LIST = re.compile(r"^- `([A-Z]\w*)`: (.+)$", re.MULTILINE)
_SETTING = re.compile(r"\bASSISTANT_[A-Z0-9_]+\b")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_SHELL = {"bash", "sh", "shell", "console"}


# -- reading Markdown ---------------------------------------------------------------------------


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every fenced code block."""
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(text)]


def prose(text: str) -> str:
    """The text outside fenced code blocks."""
    return _FENCE.sub("", text)


def inline_code(text: str) -> list[str]:
    return _INLINE.findall(prose(text))


# -- Python names -------------------------------------------------------------------------------


def public(name: str) -> object | None:
    """``name`` as the README's reader imports it, from the first public module that has it."""
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        with contextlib.suppress(AttributeError):
            return getattr(module, name)
    return None


def _instance_attributes(cls: type) -> set[str]:
    """Names a class's own code assigns as ``self.<name> = …``."""
    try:
        tree = ast.parse(inspect.getsource(cls))
    except (OSError, TypeError):
        return set()
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def has_member(cls: type, name: str) -> bool:
    if hasattr(cls, name):
        return True
    if dataclasses.is_dataclass(cls) and name in {f.name for f in dataclasses.fields(cls)}:
        return True
    return any(name in _instance_attributes(klass) for klass in cls.__mro__ if klass is not object)


def _typing_only_names(module: types.ModuleType) -> dict[str, object]:
    """The names a module imports under ``if TYPE_CHECKING:``, imported now."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return {}
    found: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    source = importlib.import_module(statement.module)
                    for alias in statement.names:
                        found[alias.asname or alias.name] = getattr(source, alias.name, None)
    return found


def classes_in(annotation: object, module: types.ModuleType) -> tuple[type, ...]:
    """The project's classes an annotation names ("tuple[Citation, ...]" → Citation), looked
    up where the annotation was written."""
    if isinstance(annotation, type):
        return (annotation,) if annotation.__module__.startswith(("assistant", "ui")) else ()
    if not isinstance(annotation, str):
        return ()
    try:
        tree = ast.parse(annotation, mode="eval")
    except SyntaxError:
        return ()
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    scope: dict[str, object] = {}
    if names - set(vars(module)) - set(dir(builtins)):
        scope.update(_typing_only_names(module))
    scope.update(vars(module))
    found = []
    for name in sorted(names):
        value = scope.get(name)
        if isinstance(value, type) and value.__module__.startswith(("assistant", "ui")):
            found.append(value)
    return tuple(found)


def member_type(cls: type, name: str) -> tuple[type, ...]:
    """What ``instance.<name>`` gives: a property's or field's classes (() when unknown)."""
    for klass in cls.__mro__:
        module = inspect.getmodule(klass)
        if module is None:
            continue
        raw = klass.__dict__.get(name)
        getter = raw.fget if isinstance(raw, property) else getattr(raw, "func", None)
        if getter is not None:
            return classes_in(inspect.get_annotations(getter).get("return"), module)
        annotation = inspect.get_annotations(klass).get(name)
        if annotation is not None:
            return classes_in(annotation, module)
    return ()


def returned_type(function: object) -> tuple[type, ...]:
    module = inspect.getmodule(function)
    if module is None or not callable(function):
        return ()
    return classes_in(inspect.get_annotations(function).get("return"), module)


class NameChecker:
    """Walks the README's Python examples: imports must import, attributes must exist on what
    the example's variables hold (inferred from constructors, annotations and loops), keyword
    arguments must be parameters."""

    def __init__(self) -> None:
        self.objects: dict[str, object] = {}
        self.env: dict[str, tuple[type, ...]] = {}
        self.problems: list[str] = []
        self.checked: list[str] = []

    def run(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.ImportFrom):
                self._import_from(statement)
            elif isinstance(statement, ast.Import):
                for alias in statement.names:
                    self._import(alias.name)
            elif isinstance(statement, ast.Assign):
                held = self.types_of(statement.value)
                for target in statement.targets:
                    self._bind(target, held)
            elif isinstance(statement, ast.For):
                self._bind(statement.target, self.types_of(statement.iter))
                self.run(statement.body)
                self.run(statement.orelse)
            elif isinstance(statement, ast.If):
                self.types_of(statement.test)
                self.run(statement.body)
                self.run(statement.orelse)
            else:
                for child in ast.iter_child_nodes(statement):
                    if isinstance(child, ast.expr):
                        self.types_of(child)

    def _import(self, name: str) -> types.ModuleType | None:
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            self.problems.append(f"import {name}: {exc}")
            return None

    def _import_from(self, statement: ast.ImportFrom) -> None:
        module = self._import(statement.module or "")
        for alias in statement.names:
            if module is None:
                continue
            try:
                value = getattr(module, alias.name)
            except AttributeError:
                self.problems.append(f"from {statement.module} import {alias.name}: no such name")
                continue
            self.objects[alias.asname or alias.name] = value

    def _bind(self, target: ast.expr, held: tuple[type, ...]) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = held

    def types_of(self, node: ast.expr) -> tuple[type, ...]:
        if isinstance(node, ast.Name):
            return self.env.get(node.id, ())
        if isinstance(node, ast.Attribute):
            return self._attribute(node)[0]
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Subscript):  # an item of a container: what it holds
            self.types_of(node.slice)
            return self.types_of(node.value)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.types_of(child)
        return ()

    def _attribute(self, node: ast.Attribute) -> tuple[tuple[type, ...], object | None]:
        """``(classes of what it gives, the member itself when it is one of a class)``."""
        where = ast.unparse(node)
        base = node.value
        if isinstance(base, ast.Name) and base.id in self.objects:
            holder = self.objects[base.id]
            self.checked.append(where)
            if isinstance(holder, type):
                if not has_member(holder, node.attr):
                    self.problems.append(f"{where}: {holder.__name__} has no {node.attr!r}")
                return (), getattr(holder, node.attr, None)
            if not hasattr(holder, node.attr):
                self.problems.append(f"{where}: no such name")
                return (), None
            value = getattr(holder, node.attr)
            return classes_in(value, inspect.getmodule(holder) or types.ModuleType("?")), value
        if isinstance(base, ast.Name) and base.id not in self.env:
            self.problems.append(f"{where}: {base.id!r} is not defined in the example")
            return (), None
        owners = self.types_of(base)
        if not owners:
            self.problems.append(f"{where}: cannot tell what {ast.unparse(base)!r} holds")
            return (), None
        self.checked.append(where)
        holders = [cls for cls in owners if has_member(cls, node.attr)]
        if not holders:
            names = " or ".join(cls.__name__ for cls in owners)
            self.problems.append(f"{where}: {names} has no {node.attr!r}")
            return (), None
        member = getattr(holders[0], node.attr, None)
        return tuple(t for cls in holders for t in member_type(cls, node.attr)), member

    def _call(self, node: ast.Call) -> tuple[type, ...]:
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            self.types_of(argument)
        target: object | None = None
        gives: tuple[type, ...] = ()
        if isinstance(node.func, ast.Name) and node.func.id in self.objects:
            target = self.objects[node.func.id]
            gives = (target,) if isinstance(target, type) else returned_type(target)
        elif isinstance(node.func, ast.Attribute):
            _, target = self._attribute(node.func)
            gives = returned_type(target) if target is not None else ()
        if target is not None and callable(target):
            self._keywords(node, target)
        return gives

    def _keywords(self, node: ast.Call, target: object) -> None:
        try:
            parameters = inspect.signature(target).parameters  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return
        for keyword in node.keywords:
            if keyword.arg is not None and keyword.arg not in parameters:
                self.problems.append(
                    f"{ast.unparse(node.func)}(…, {keyword.arg}=…): no such parameter"
                )


def python_problems(text: str) -> tuple[list[str], list[str]]:
    """``(problems, what was checked)`` over the text's Python blocks."""
    checker = NameChecker()
    for language, body in fenced_blocks(text):
        if language != "python":
            continue
        try:
            tree = ast.parse(body)
        except SyntaxError as exc:
            checker.problems.append(f"a Python example does not parse: {exc}")
            continue
        checker.run(tree.body)
    return checker.problems, checker.checked


def listed_name_problems(text: str) -> list[str]:
    """Field lists ("- `Answer`: `text`, `citations`"), dotted names (`Answer.short`) and
    class names (`StoreError`) in the prose."""
    problems = []
    for class_name, rest in _FIELD_LIST.findall(prose(text)):
        cls = public(class_name)
        if not isinstance(cls, type):
            problems.append(f"- `{class_name}`: no such class")
            continue
        for name in _INLINE.findall(rest):
            if not has_member(cls, name):
                problems.append(f"- `{class_name}`: `{name}` does not exist")
    for code in inline_code(text):
        if dotted := _DOTTED.fullmatch(code):
            cls = public(dotted.group(1))
            if not isinstance(cls, type) or not has_member(cls, dotted.group(2)):
                problems.append(f"`{code}` does not exist")
        elif _CLASS_NAME.fullmatch(code) and public(code) is None:
            problems.append(f"`{code}` is no public name of the assistant")
    return problems


def setting_problems(text: str) -> list[str]:
    """Every ``ASSISTANT_*`` variable is a setting, or a variable the code reads by name."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "assistant").rglob("*.py"))
    problems = []
    for variable in sorted(set(_SETTING.findall(text))):
        field = variable.removeprefix("ASSISTANT_").lower()
        if field not in Settings.model_fields and f'"{variable}"' not in sources:
            problems.append(f"{variable}: no such setting")
    return problems


# -- the command line ---------------------------------------------------------------------------


def _tokens(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:
        return line.split()


def command_lines(text: str) -> list[list[str]]:
    """Every command line of the shell examples that runs ``assistant`` (``scripts/run.sh``
    passes its arguments to ``assistant serve``), as its arguments."""
    found = []
    for language, body in fenced_blocks(text):
        if language not in _SHELL:
            continue
        for line in body.replace("\\\n", " ").splitlines():
            words = _tokens(line.removeprefix("$ "))
            if words[:1] == ["assistant"]:
                found.append(words[1:])
            elif words[:1] == ["./scripts/run.sh"]:
                found.append(["serve", *words[1:]])
    for code in inline_code(text):
        words = _tokens(code)
        if words[:1] == ["./scripts/run.sh"]:
            found.append(["serve", *words[1:]])
    return found


def _usage(code: str) -> list[str] | None:
    """An inline ``assistant …`` usage as arguments (``[PATH …]`` read as a value)."""
    words = _tokens(re.sub(r"[\[\]|…]", " ", code))
    return words[1:] if words[:1] == ["assistant"] else None


def parse(arguments: list[str]) -> tuple[argparse.Namespace | None, str]:
    """The CLI's own parse of ``arguments``: ``(namespace, "")`` or ``(None, why not)``."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            namespace, unknown = build_parser().parse_known_args(route_eval(arguments))
    except SystemExit:
        said = errors.getvalue().strip().splitlines()
        return None, said[-1] if said else "argparse exited"
    if unknown:
        return None, f"unrecognised arguments: {' '.join(unknown)}"
    return namespace, ""


def help_text(arguments: list[str]) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.suppress(SystemExit):
        build_parser().parse_args([*arguments, "--help"])
    return output.getvalue()


def _has_option(help_: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_) is not None


def cli_problems(text: str) -> tuple[list[str], int]:
    """``(problems, command lines checked)``: every command line of the examples and every
    inline ``assistant …`` usage parses; every option in a table row of a command is one of
    that command's (or a global one)."""
    problems = []
    lines = command_lines(text)
    for arguments in lines:
        namespace, why = parse(arguments)
        if namespace is None:
            problems.append(f"`assistant {' '.join(arguments)}`: {why}")
    global_help = help_text([])
    for row in prose(text).splitlines():
        codes = _INLINE.findall(row)
        usages = [u for u in map(_usage, codes) if u is not None]
        for arguments in usages:
            lines.append(arguments)
            namespace, why = parse(arguments)
            if namespace is None:
                problems.append(f"`assistant {' '.join(arguments)}`: {why}")
                continue
            if not row.startswith("|"):
                continue
            command_help = help_text([namespace.command])
            for code in codes:
                option = code.split()[0]
                if option.startswith("-") and not (
                    _has_option(command_help, option) or _has_option(global_help, option)
                ):
                    problems.append(f"`{option}` is no option of `assistant {namespace.command}`")
    return problems, len(lines)


# -- links --------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def anchors(path: Path) -> set[str]:
    text = prose(path.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.MULTILINE)}


def link_problems(path: Path) -> list[str]:
    """Every relative link of a Markdown file points at a file that exists (and at a heading
    of it, when it names one)."""
    problems = []
    for target in _LINK.findall(prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.is_file():
            problems.append(f"{path.name}: {target} — no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{path.name}: {target} — no such heading")
    return problems


# -- the configuration page ---------------------------------------------------------------------

CONFIGURATION = ROOT / "docs" / "configuration.md"
_SETTING_ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| ([^|]+) \|", re.MULTILINE)
_RANGE_CELL = re.compile(r"^\| `([A-Z0-9_]+)` \| [^|]+ \| ([^|]+) \|", re.MULTILINE)


def _range_problems(text: str) -> list[str]:
    """A bounded setting's range cell names both of its field's bounds ("1 – 1,000")."""
    cells = dict(_RANGE_CELL.findall(text))
    problems = []
    for name in Settings.model_fields:
        low, high, _ = setting_bounds(name)
        cell = cells.get(name.upper(), "")
        for bound in (low, high):
            if bound is None:
                continue
            written = str(int(bound)) if float(bound).is_integer() else f"{bound:g}"
            if written not in cell.replace(",", ""):
                problems.append(f"{name.upper()}: the range {cell.strip()!r} misses {written}")
    return problems


def _cell_value(cell: str) -> object:
    text = cell.strip().strip("`").replace(",", "")
    if text == "none":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def configuration_problems(text: str) -> list[str]:
    """Every setting has a row (``| `NAME` | default | …``) whose default is the setting's."""
    documented = {name.lower(): _cell_value(cell) for name, cell in _SETTING_ROW.findall(text)}
    problems = []
    for name, field in Settings.model_fields.items():
        if name not in documented:
            problems.append(f"{name.upper()} is not documented")
            continue
        default = field.default
        expected = (
            default
            if default is None
            else float(default)
            if isinstance(default, int | float)
            else str(default)
        )
        if documented[name] != expected:
            problems.append(f"{name.upper()}: documented {documented[name]!r}, is {expected!r}")
    # (Rows of other variables carry their full name: ``ASSISTANT_CACHE_DIR``.)
    problems += [
        f"{name.upper()} is no setting"
        for name in documented
        if name not in Settings.model_fields and not name.startswith("assistant_")
    ]
    return problems + _range_problems(text)


# -- the README ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_fits_one_screen(readme: str) -> None:
    assert len(readme.splitlines()) <= MAX_LINES


def test_python_examples_use_only_names_that_exist(readme: str) -> None:
    problems, checked = python_problems(readme)
    assert problems == []
    # The walk really looked at the example (a checker that checks nothing passes anything).
    assert {"answer.text", "c.quote", "answer.short.text", "bot.ask"} <= set(checked)


def test_listed_fields_and_classes_exist(readme: str) -> None:
    assert listed_name_problems(readme) == []
    assert _FIELD_LIST.findall(prose(readme)), "the README lists the Answer's fields"


def test_settings_exist(readme: str) -> None:
    assert setting_problems(readme) == []


def test_cli_commands_and_options_exist(readme: str) -> None:
    problems, checked = cli_problems(readme)
    assert problems == []
    assert checked >= 10


def test_configuration_page_documents_every_setting_with_its_default() -> None:
    assert configuration_problems(CONFIGURATION.read_text(encoding="utf-8")) == []


def _markdown_files() -> Iterator[Path]:
    yield README
    yield ROOT / "CHANGELOG.md"
    yield from sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("path", list(_markdown_files()), ids=lambda p: p.name)
def test_links_point_at_files_and_headings(path: Path) -> None:
    assert link_problems(path) == []


def test_readme_links_every_docs_page(readme: str) -> None:
    linked = {t.partition("#")[0] for t in _LINK.findall(readme)}
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked


# -- the checkers catch what does not exist -----------------------------------------------------

_EXAMPLE = """
```python
from assistant import Assistant

bot = Assistant(store_dir="vectorstore")
answer = bot.ask("Who attended the parade?")
print(answer.text)
for c in answer.citations:
    print(c.quote)
```
"""


def test_python_checker_catches_a_name_that_does_not_exist() -> None:
    assert python_problems(_EXAMPLE)[0] == []
    assert python_problems(_EXAMPLE.replace("answer.text", "answer.best_score"))[0]
    assert python_problems(_EXAMPLE.replace("c.quote", "c.snippet"))[0]
    assert python_problems(_EXAMPLE.replace("store_dir=", "store_folder="))[0]
    assert python_problems(_EXAMPLE.replace("import Assistant", "import Assistent"))[0]
    assert python_problems(_EXAMPLE.replace("bot.ask(", "bot.query("))[0]
    assert python_problems(_EXAMPLE + "```python\nprint(mystery.text)\n```\n")[0]


def test_listed_names_checker_catches_a_name_that_does_not_exist() -> None:
    assert listed_name_problems("- `Answer`: `text`, `citations`\n") == []
    assert listed_name_problems("- `Answer`: `text`, `best_score`\n")
    assert listed_name_problems("- `Answr`: `text`\n")
    assert listed_name_problems("See `Answer.best_score`.") != []
    assert listed_name_problems("See `Answer.short`.") == []
    assert listed_name_problems("Raises `NoSuchError`.")
    assert listed_name_problems("Raises `StoreError`.") == []


def test_setting_checker_catches_a_setting_that_does_not_exist() -> None:
    assert setting_problems("`ASSISTANT_TOP_K`, `ASSISTANT_CACHE_DIR`") == []
    assert setting_problems("`ASSISTANT_TOP_N`")


def test_cli_checker_catches_a_command_or_option_that_does_not_exist() -> None:
    assert cli_problems("```bash\nassistant ask 'Who?' --json\n```\n")[0] == []
    assert cli_problems("```bash\nassistant ask 'Who?' --jsn\n```\n")[0]
    assert cli_problems("```bash\nassistant frobnicate\n```\n")[0]
    assert cli_problems("```bash\nassistant eval suite --split dev\n```\n")[0] == []
    assert cli_problems("```bash\nassistant eval suite --split train\n```\n")[0]
    assert cli_problems("Run `./scripts/run.sh --port 8080`.")[0] == []
    assert cli_problems("Run `./scripts/run.sh --prot 8080`.")[0]
    row = "| `assistant ingest [PATH …]` | add | `--prune`, `{}` |\n"
    assert cli_problems(row.format("--rebuild"))[0] == []
    assert cli_problems(row.format("--purge"))[0]
    assert cli_problems(row.format("--store"))[0] == []  # a global option


def test_link_checker_catches_a_missing_page_or_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# Page\n\n## The look-up path\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text("[a](docs/page.md) [b](docs/page.md#the-look-up-path)\n", encoding="utf-8")
    assert link_problems(readme) == []
    readme.write_text("[a](docs/gone.md) [b](docs/page.md#no-such-heading)\n", encoding="utf-8")
    assert len(link_problems(readme)) == 2


def test_configuration_checker_catches_a_wrong_or_missing_setting() -> None:
    page = CONFIGURATION.read_text(encoding="utf-8")
    assert configuration_problems(page.replace("| `TOP_K` | 5 |", "| `TOP_K` | 8 |"))
    assert configuration_problems(page.replace("| `TOP_K` |", "| `TOP_N` |"))
    assert configuration_problems(page.replace("`LLM_TIMEOUT`", "`LLM_DEADLINE`"))
    assert configuration_problems(page.replace("| 1 – 1,000 |", "| > 0 |"))
