"""Run every benchmark in this folder (`make bench`), each in its own process; fail if any fails."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")
    )


def main() -> int:
    failed = []
    for script in benchmarks():
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script)], check=False).returncode
        outcome = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"== {script.name}: {outcome} in {time.perf_counter() - started:.0f} s")
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"Failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
