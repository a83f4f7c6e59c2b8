"""The project explains itself: no tracked file cites a brief that is not in the repository, and every
pointer of the form docs/<file>.md#<anchor> reaches a heading that exists (why comments point there:
docs/conventions.md#comments-and-docstrings)."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Spelled in parts so that this file does not itself mention them.
OUTSIDE_BRIEFS = tuple(f"{name}.md" for name in ("DOMAIN", "DESIGN", "STYLE", "PLATFORM"))
POINTER = re.compile(r"docs/([\w/-]+\.md)(?:#([\w-]+))?")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: inline markup dropped, lower case, every character other than
    a letter, digit, space, hyphen or underscore removed, spaces turned into hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(markdown: str) -> set[str]:
    """Every heading's anchor outside code fences; a repeated heading gets -1, -2, ... as on GitHub."""
    seen: Counter[str] = Counter()
    anchors: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            anchor = github_anchor(match.group(2))
            anchors.add(f"{anchor}-{seen[anchor]}" if seen[anchor] else anchor)
            seen[anchor] += 1
    return anchors


@cache
def tracked_files() -> tuple[Path, ...]:
    """The repository's tracked text files (git ls-files), with files added but not yet committed."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    return tuple(ROOT / name for name in listed if (ROOT / name).is_file())


def text_of(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # a binary file (vendored map, image): it cites nothing


def pointers() -> list[tuple[str, str, str | None]]:
    """(where, file under docs/, anchor or None) for every docs pointer in a tracked file."""
    found: list[tuple[str, str, str | None]] = []
    for path in tracked_files():
        text = text_of(path) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}"
            found.extend((where, match.group(1), match.group(2)) for match in POINTER.finditer(line))
    return found


def test_github_anchor_known_answers() -> None:
    assert github_anchor("A record's journey") == "a-records-journey"
    assert github_anchor("IEP, 504 plan and behavior plan") == "iep-504-plan-and-behavior-plan"
    assert github_anchor("Need-to-know") == "need-to-know"
    assert github_anchor("Uncovered 1:1 or safety support") == "uncovered-11-or-safety-support"
    assert github_anchor("The `paradesk` command") == "the-paradesk-command"


def test_repeated_headings_and_code_fences() -> None:
    markdown = "# Notes\n## Notes\n```\n# not a heading\n```\n### Notes ###\n"
    assert anchors_of(markdown) == {"notes", "notes-1", "notes-2"}


def test_no_tracked_file_cites_a_brief_outside_the_repository() -> None:
    citing = [
        f"{path.relative_to(ROOT)}: {brief}"
        for path in tracked_files()
        for brief in OUTSIDE_BRIEFS
        if brief in (text_of(path) or "")
    ]
    assert citing == [], "cite the project's own docs/ instead"


def test_the_check_sees_the_files_it_must() -> None:
    """The two checks above would pass vacuously if the listing missed the code or the docs."""
    names = {str(path.relative_to(ROOT)) for path in tracked_files()}
    assert {"paradesk/progress/agreement.py", "docs/field.md", "conftest.py"} <= names
    assert len([pointer for pointer in pointers() if pointer[2]]) > 50


def test_every_docs_pointer_reaches_a_file_and_heading() -> None:
    broken = []
    for where, name, anchor in pointers():
        target = ROOT / "docs" / name
        if not target.is_file():
            broken.append(f"{where}: docs/{name} does not exist")
        elif anchor and anchor not in anchors_of(target.read_text(encoding="utf-8")):
            broken.append(f"{where}: docs/{name} has no heading #{anchor}")
    assert broken == []
