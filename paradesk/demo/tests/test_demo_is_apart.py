"""The demo stays apart from production: no module under paradesk/ outside paradesk/demo/ and the
test folders imports paradesk.demo, and no demo module lives elsewhere. Read from the source with
`ast` (nothing is imported), so an import inside a function counts as much as one at the top.
Benchmarks and tests may use the demo; a server's code may not, so it never depends on invented data
and Django loads no demo builder unless `paradesk demo` runs (paradesk/demo/__init__.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import paradesk

ROOT = Path(paradesk.__file__).parent
DEMO = "paradesk.demo"


def module_name(path: Path) -> str:
    """paradesk/recording/sync.py -> paradesk.recording.sync; a package's __init__ is the package."""
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module an import statement names, with `from x import y` counted as both x and x.y
    (y may be a submodule) and relative imports resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def names_demo(module: str) -> bool:
    return module == DEMO or module.startswith(f"{DEMO}.")


def is_production(path: Path) -> bool:
    """Outside the demo package and every tests folder."""
    parts = path.relative_to(ROOT).parts
    return parts[0] != "demo" and "tests" not in parts[:-1]


def production_files() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if is_production(path))


def test_no_production_module_imports_the_demo() -> None:
    offenders: list[str] = []
    for path in production_files():
        module = module_name(path)
        imports = imported_modules(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
        offenders.extend(f"{path.relative_to(ROOT.parent)}: {name}" for name in imports if names_demo(name))
    assert not offenders, "production code imports the demo (move it into paradesk/demo/):\n" + "\n".join(
        sorted(offenders)
    )


def test_demo_code_lives_only_in_the_demo_package() -> None:
    strays = [str(path.relative_to(ROOT.parent)) for path in production_files() if "demo" in path.stem]
    assert not strays, f"demo modules outside paradesk/demo/: {strays}"


def test_the_check_sees_every_way_to_import_the_demo() -> None:
    """Known answers, so the checks above can fail: each of these names paradesk.demo or not."""
    cases = {
        "import paradesk.demo": True,
        "import paradesk.demo.builder as b": True,
        "from paradesk.demo import build_demo": True,
        "from paradesk.demo.districts import build_scale": True,
        "from paradesk import demo": True,
        "from .. import demo": True,  # from paradesk/recording/sync.py
        "from ..demo.builder import Builder": True,
        "def f():\n    from paradesk.demo import build_demo": True,
        "from paradesk.bulk import insert_rows": False,
        "import paradesk.demographics": False,
        "from . import demo_rules": False,
        "from paradesk.recording import sync": False,
    }
    for source, expected in cases.items():
        imports = imported_modules(source, "paradesk.recording.sync")
        assert any(names_demo(name) for name in imports) is expected, source


def test_production_files_leave_out_the_demo_and_the_tests() -> None:
    files = {str(path.relative_to(ROOT.parent)) for path in production_files()}
    assert "paradesk/recording/sync/ingest.py" in files
    assert "paradesk/testing.py" in files
    assert "paradesk/demo/builder.py" not in files
    assert "paradesk/progress/tests/test_actions.py" not in files
