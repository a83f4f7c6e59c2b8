"""The house rules that code review alone would miss, read from the source with `ast` (nothing is
imported, so a broken rule cannot hide behind an import that happens to work):

- the sync ingest (paradesk/recording/sync/) reaches no API module, at any depth: the API layer
  imports sync, never the other way round;
- pure modules (plain data in, plain data out: docstrings and the README say so) import no Django,
  directly or through any paradesk module they import, at any depth, including the packages'
  `__init__` files Python runs on the way;
- no `import *` anywhere in paradesk: every name says where it comes from;
- no import kept only for its side effect ("registers", `# noqa: F401`) anywhere in paradesk, tests
  included: the API mounts each area's router itself (paradesk/api.py), and what a module needs it
  imports by name, where it uses it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import paradesk

ROOT = Path(paradesk.__file__).parent

PURE = sorted(
    {
        "paradesk.district_sql",
        "paradesk.plans.units",
        "paradesk.progress.agreement",
        "paradesk.progress.analysis",
        "paradesk.recording.methods",
        "paradesk.schedules.coverage.proposal",
        *(f"paradesk.schedules.planning.{p.stem}" for p in (ROOT / "schedules/planning").glob("*.py")),
    }
)


def is_django(module: str) -> bool:
    top = module.split(".")[0]
    return top in {"django", "ninja"} or top.startswith("django_")


def source_of(module: str, root: Path) -> Path | None:
    """The file of a module under `root` (a package directory), or None for anything outside it."""
    parts = module.split(".")
    if parts[0] != root.name:
        return None
    base = root.parent.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def with_parents(module: str) -> list[str]:
    """Importing a.b.c runs a and a.b first."""
    parts = module.split(".")
    return [".".join(parts[: n + 1]) for n in range(len(parts))]


def imported_by(module: str, root: Path) -> set[str]:
    """Every module an import statement of `module` names, anywhere in the file (a function's own
    import runs too, only later); `from x import y` counts x.y when y is a module of x."""
    path = source_of(module, root)
    assert path is not None
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if source_of(f"{base}.{a.name}", root))
    return found


def django_chain(start: str, root: Path) -> list[str] | None:
    """The import path from `start` to a Django module (start first), or None when there is none."""
    return import_chain(start, root, is_django)


def import_chain(start: str, root: Path, is_target: Callable[[str], bool]) -> list[str] | None:
    """The import path from `start` to a module `is_target` names (start first), or None."""
    came_from: dict[str, str | None] = {name: None for name in with_parents(start)}
    queue = list(came_from)
    while queue:
        module = queue.pop(0)
        if is_target(module):
            chain = [module]
            while (previous := came_from[chain[-1]]) is not None:
                chain.append(previous)
            return chain[::-1]
        if source_of(module, root) is None:
            continue  # the standard library or a third-party package other than Django
        for named in sorted(imported_by(module, root)):
            for step in with_parents(named):
                if step not in came_from:
                    came_from[step] = module
                    queue.append(step)
    return None


def python_files(root: Path) -> Iterator[Path]:
    yield from (p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts)


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_django(module: str) -> None:
    assert source_of(module, ROOT) is not None, f"{module} is listed as pure but does not exist"
    chain = django_chain(module, ROOT)
    assert chain is None, f"{module} is pure but reaches Django: {' -> '.join(chain or [])}"


def test_the_walk_finds_django_through_other_modules_and_package_inits(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "pure.py").write_text("import math\nfrom pkg.inner import helper\n")
    (package / "deep.py").write_text("import numpy\nfrom pkg.inner.helper import x\n")
    (package / "inner" / "__init__.py").write_text("")
    (package / "inner" / "helper.py").write_text("")
    (package / "inner" / "loud.py").write_text("def later():\n    from django.db import models\n")
    assert django_chain("pkg.pure", package) is None

    # The package's __init__ imports a module that imports Django inside a function.
    (package / "inner" / "__init__.py").write_text("from . import loud\n")

    assert django_chain("pkg.pure", package) == ["pkg.pure", "pkg.inner", "pkg.inner.loud", "django"]
    assert django_chain("pkg.deep", package) == ["pkg.deep", "pkg.inner", "pkg.inner.loud", "django"]


def is_api(module: str) -> bool:
    """The JSON API's modules: paradesk/api*.py, an area's api.py, django-ninja itself."""
    parts = module.split(".")
    return parts[0] == "ninja" or parts[-1] == "api" or module.startswith("paradesk.api_")


SYNC_MODULES = sorted(
    ".".join(path.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in python_files(ROOT / "recording" / "sync")
)


@pytest.mark.parametrize("module", SYNC_MODULES)
def test_sync_reaches_no_api_module(module: str) -> None:
    chain = import_chain(module, ROOT, is_api)
    assert chain is None, f"{module} reaches the API layer: {' -> '.join(chain or [])}"


def test_the_api_check_knows_the_api_modules(tmp_path: Path) -> None:
    sync = {"paradesk.recording.sync", "paradesk.recording.sync.ingest", "paradesk.recording.sync.kinds.note"}
    assert sync <= set(SYNC_MODULES)
    assert all(
        is_api(name) for name in ("paradesk.api", "paradesk.api_schemas", "paradesk.plans.api", "ninja")
    )
    assert not any(is_api(name) for name in ("paradesk.access.api_auth", "paradesk.recording.apps"))
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "sync.py").write_text("from pkg import helper\n")
    (package / "helper.py").write_text("def later():\n    from pkg.api import router\n")
    (package / "api.py").write_text("")
    assert import_chain("pkg.sync", package, is_api) == ["pkg.sync", "pkg.helper", "pkg.api"]


def test_the_pure_list_covers_every_planning_module() -> None:
    assert {"paradesk.schedules.planning.solver", "paradesk.schedules.planning.week"} <= set(PURE)
    assert all(source_of(module, ROOT) is not None for module in PURE)


def test_no_star_imports_in_paradesk() -> None:
    starred = [
        f"{path.relative_to(ROOT.parent)}:{node.lineno}"
        for path in python_files(ROOT)
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert starred == [], f"import each name by name: {starred}"


def kept_unused(source: str) -> list[int]:
    """Lines whose comment silences "imported but unused" (F401), alone or among other codes; the
    words in a string or a docstring are not a comment."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [
        token.start[0]
        for token in tokens
        if token.type == tokenize.COMMENT and re.search(r"#\s*noqa\b[^#]*\bF401\b", token.string)
    ]


def test_the_unused_import_check_sees_each_way_to_write_it() -> None:
    """Known answers, so the check below can fail."""
    assert kept_unused("import a.b  # noqa: F401 - registers the operation") == [1]
    assert kept_unused("x = 1\nfrom a import b  # noqa:F401") == [2]
    assert kept_unused("from a import b  # noqa: E501, F401") == [1]
    assert kept_unused("from a import b  # noqa: F4011") == []
    assert kept_unused("import a  # noqa: E402\nx = '# noqa: F401'") == []
    assert kept_unused('"""Says `# noqa: F401` in words."""') == []


def test_no_imports_kept_only_to_register_something() -> None:
    kept = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in python_files(ROOT)
        for number in kept_unused(path.read_text())
    ]
    assert kept == [], (
        f"import what you use, where you use it (an area's router is mounted by paradesk/api.py): {kept}"
    )
