"""The invented districts to try Paradesk with (`paradesk demo`: Maplewood Unified) and to measure it
on (`paradesk demo --students N`: scale districts), with their plans, recorded history, teachers'
decisions and schedules. Nothing here is real data, and nothing in production imports this package
(paradesk/demo/tests/test_demo_is_apart.py): a server that never runs `paradesk demo` loads this
file and nothing else of it.

- districts.py: the shape of each district (who works where, who has which plan); build_demo, build_scale
- content.py: the bank of invented goals, accommodations, services, behaviors and snapshots
- builder.py: turns people and content into model rows and writes them (paradesk/bulk.py)
- recording.py, progress.py, schedules.py: eight weeks of sessions, the decisions a teacher made on
  them, and the schools' bell schedules, calendars and para weeks
- management/commands/demo.py: the `paradesk demo` command (this package is an installed app for it)

Django imports this package while it loads the installed apps, before any model class may exist, so
the names below are looked up in districts.py on first use instead of being imported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paradesk.demo.districts import BuildResult, SignIn, build_demo, build_scale, scale_district_id

__all__ = ["BuildResult", "SignIn", "build_demo", "build_scale", "scale_district_id"]


def __getattr__(name: str) -> Any:
    """`from paradesk.demo import build_demo` works once the apps are loaded (tests, benchmarks)."""
    if name in __all__:
        return getattr(importlib.import_module("paradesk.demo.districts"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
