"""Griffe extension for the docs build: render doctest examples as code, not as markdown.

Google-style parsing only treats an ``Examples:`` section as code; this library's docstrings
also use ``Example:`` (which griffe reads as an admonition) and bare ``>>>`` blocks in prose.
Both would be rendered as markdown (``>>>`` as nested block quotes, ``[1, 2]`` as a link).
This extension renames ``Example:`` to ``Examples:`` and fences bare doctest blocks as
``pycon``. It changes only what the docs show, never the code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_HEADER = re.compile(r"^(\s*)Examples?:\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def rewrite(text: str) -> str:
    """The docstring ``text`` with doctest examples made into code."""
    lines = text.split("\n")
    out: list[str] = []
    section: int | None = None  # indent of an Examples header we are inside
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _HEADER.match(line)
        if section is not None and line.strip() and _indent(line) <= section:
            section = None
        if header:
            section = len(header.group(1))
            out.append(f"{header.group(1)}Examples:")
            i += 1
            continue
        if section is None and line.lstrip().startswith(">>>"):
            pad = " " * _indent(line)
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += [f"{pad}```pycon", *block, f"{pad}```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Rewrites every loaded docstring with :func:`rewrite`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value)
