"""Write a pip constraints file pinning each core dependency of pyproject.toml to its declared floor.

Used by `.ci/run`'s minimum-versions step: a fresh venv installs the project with these
constraints, so the suite runs against the oldest versions the project claims to support.
Usage: ``python .ci/min_constraints.py > constraints.txt``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_FLOOR = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(?:[^;]*?)>=\s*([0-9][0-9A-Za-z.]*)")


def floors(pyproject: Path) -> list[str]:
    """Return ``name==floor`` lines for every core dependency that declares a ``>=`` floor."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    lines: list[str] = []
    for spec in data["project"]["dependencies"]:
        match = _FLOOR.match(spec)
        if match is None:
            raise SystemExit(f"dependency {spec!r} declares no >= floor")
        lines.append(f"{match.group(1)}=={match.group(3)}")
    return lines


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.stdout.write("\n".join(floors(root / "pyproject.toml")) + "\n")
