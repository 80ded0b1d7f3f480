"""The documentation site: it builds with ``mkdocs build --strict``, and its examples run.

The Python blocks of the pages listed in :data:`RUNNABLE` run in order, in one namespace per
page (like a notebook), in a temporary working directory, offline (sockets are disabled for the
whole test session). When a ```` ```text ```` block follows a Python block directly, it is the
block's printed output and must match it exactly (trailing spaces aside). Blocks fenced as
```` ```py ```` are shown but not run (a remote geocoder, say).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RUNNABLE = (
    "quickstart.md",
    "concepts.md",
    "formats.md",
    "screening.md",
    "privacy.md",
    "merging.md",
)

_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)


def code_blocks(text: str) -> list[tuple[str, str, str | None]]:
    """``(language, code, expected output or None)`` for each Python block of a page.

    >>> page = "x\\n```python\\nprint(1)\\n```\\n\\n```text\\n1\\n```\\n```python\\npass\\n```\\n"
    >>> code_blocks(page)
    [('python', 'print(1)\\n', '1\\n'), ('python', 'pass\\n', None)]
    """
    fences = list(_FENCE.finditer(text))
    out: list[tuple[str, str, str | None]] = []
    for i, fence in enumerate(fences):
        if fence.group("lang") != "python":
            continue
        expected = None
        if i + 1 < len(fences):
            nxt = fences[i + 1]
            between = text[fence.end() : nxt.start()]
            if nxt.group("lang") == "text" and not between.strip():
                expected = nxt.group("body")
        out.append(("python", fence.group("body"), expected))
    return out


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("page", RUNNABLE)
def test_page_examples_run_and_print_what_the_page_shows(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = code_blocks((DOCS / page).read_text(encoding="utf-8"))
    assert blocks, f"{page} has no python blocks"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.removesuffix('.md')}"}
    for number, (_, code, expected) in enumerate(blocks, start=1):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(code, f"{page} python block {number}", "exec"), namespace)
        if expected is not None:
            assert _normalise(buffer.getvalue()) == _normalise(expected), (
                f"{page} python block {number}: printed output differs from the page"
            )


def test_code_blocks_pairs_output_only_when_adjacent() -> None:
    page = "```python\nprint(2)\n```\nsome prose\n```text\n2\n```\n"
    assert code_blocks(page) == [("python", "print(2)\n", None)]


def test_site_builds_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    pytest.importorskip("mkdocstrings", reason="the docs extra is not installed")
    pytest.importorskip("material", reason="the docs extra is not installed")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # No --quiet: with it, mkdocs 1.6 does not count warnings and --strict passes anyway.
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    problems = [line for line in done.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert done.returncode == 0, "\n".join(problems) or done.stderr[-3000:]
    assert not problems, "\n".join(problems)
    for page in ("index.html", "quickstart/index.html", "api/index.html"):
        assert (site / page).is_file(), page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("referralmatch.load_directory", "referralmatch.Matcher.match"):
        assert f'id="{name}"' in api, name


def test_quickstart_demo_excerpt_is_what_the_demo_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from referralmatch.cli import main

    page = (DOCS / "quickstart.md").read_text(encoding="utf-8")
    start = page.index("```text\nDirectory: 205 services")
    excerpt = page[start + len("```text\n") : page.index("```", start + 8)]
    assert main(["demo"]) in (0, None)
    printed = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    head, _, tail = excerpt.partition("...\n")
    assert [line.rstrip() for line in head.strip("\n").splitlines()] == printed[: len(head.strip("\n").splitlines())]
    assert tail.strip() in printed
