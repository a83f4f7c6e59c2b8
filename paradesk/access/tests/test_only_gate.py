"""paradesk.access is the only gate (docs/access.md#where-the-gate-is): outside paradesk.people and
paradesk.access, no code asks the Assignment and Role tables who is on whose team today.

Ruff's banned-api rule (TID251, pyproject.toml) refuses the direct calls in `make lint`; these tests
check that the rule is alive (it reports a call site, and exempts the gate itself), and, read from the
source with `ast`, catch the chained forms a name-based rule cannot see
(`Assignment.objects.filter(...).current()`).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import paradesk

ROOT = Path(paradesk.__file__).parent
PROJECT = ROOT.parent
# Who-may-see questions of the two tables: a team role in force (current, dated), a staff role held.
GATED_MODELS = {"Assignment", "Role"}
GATED_METHODS = {"current", "dated"}
EXEMPT_DIRS = {"people", "access", "tests", "demo", "migrations"}

PROBE = """from paradesk.people.models import Assignment, Role

def team_of(student):
    return Assignment.objects.current().filter(student=student), Role.objects.current()
"""


def ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.is_file():
        return str(found)
    on_path = shutil.which("ruff")
    if on_path is None:
        pytest.skip("ruff is not installed (make lint installs it)")
    return on_path


def banned_calls_reported(as_file: str) -> list[str]:
    """The TID251 lines ruff reports for the probe, checked as if it were the given file with the
    project's own settings (those `make lint` uses)."""
    result = subprocess.run(
        [ruff(), "check", "--no-cache", "--output-format", "concise", "--stdin-filename", as_file, "-"],
        input=PROBE,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    return [line for line in result.stdout.splitlines() if "TID251" in line]


def test_the_lint_rule_refuses_a_direct_query_in_an_area() -> None:
    reported = banned_calls_reported("paradesk/plans/probe.py")
    assert len(reported) == 2, reported
    assert "Assignment.objects.current" in reported[0]
    assert "Role.objects.current" in reported[1]


@pytest.mark.parametrize(
    "as_file", ["paradesk/access/probe.py", "paradesk/people/probe.py", "paradesk/plans/tests/test_probe.py"]
)
def test_the_lint_rule_leaves_the_gate_and_tests_alone(as_file: str) -> None:
    assert banned_calls_reported(as_file) == []


def chain_root(node: ast.expr) -> str | None:
    """The name a chain of attributes and calls starts from: `Assignment` in
    `Assignment.objects.filter(x=1).current`."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else None


def gated_calls(tree: ast.AST) -> Iterator[int]:
    """Lines calling `.current()` or `.dated()` on a chain that starts at Assignment or Role."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in GATED_METHODS
            and chain_root(node.func.value) in GATED_MODELS
        ):
            yield node.lineno


def guarded_modules() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & EXEMPT_DIRS or path.name.startswith("demo") or path.name == "testing.py":
            continue
        yield path


def test_the_chain_reader_finds_a_chained_query() -> None:
    tree = ast.parse("Assignment.objects.filter(staff=s).current()\nObservation.objects.current()\n")
    assert list(gated_calls(tree)) == [1]


def test_no_area_asks_assignments_or_roles_who_is_on_a_team() -> None:
    found = [
        f"{path.relative_to(PROJECT)}:{line}"
        for path in guarded_modules()
        for line in gated_calls(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert found == [], "ask paradesk.access.scopes, policy or helpers instead"
