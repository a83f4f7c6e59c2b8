"""The house rules that code review alone would miss, read from the source with `ast` (nothing is
imported, so a broken rule cannot hide behind an import that happens to work):

- pure modules (plain data in, plain data out: docstrings and the README say so) import no Django,
  directly or through any paradesk module they import, at any depth, including the packages'
  `__init__` files Python runs on the way;
- no `import *` anywhere in paradesk: every name says where it comes from;
- no import kept only for its side effect ("registers", `# noqa: F401`) in the areas that had them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
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
NO_REGISTERING_IMPORTS = ("schedules", "progress", "team")


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
    came_from: dict[str, str | None] = {name: None for name in with_parents(start)}
    queue = list(came_from)
    while queue:
        module = queue.pop(0)
        if is_django(module):
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


def test_no_imports_kept_only_to_register_something() -> None:
    kept = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for area in NO_REGISTERING_IMPORTS
        for path in python_files(ROOT / area)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "noqa" in line and "F401" in line
    ]
    assert kept == [], f"import what you use, where you use it: {kept}"
