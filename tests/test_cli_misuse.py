"""The command line refuses nonsense counts with a usage error and tells its version."""

from __future__ import annotations

import pytest

import referralmatch as rm
from referralmatch.cli import main


@pytest.mark.parametrize(
    "argv",
    [["demo", "--limit", "-1"], ["demo", "--limit", "0"], ["demo", "--limit", "2.5"],
     ["validate", "--max-issues", "-3"], ["validate", "--max-issues", "many"],
     ["match", "--client", "c.json", "--limit", "-1"]],
)  # fmt: skip
def test_bad_counts_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "must be a whole number >=" in err


def test_zero_issues_is_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--max-issues", "0"]) == 0
    assert "Loaded" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"referralmatch {rm.__version__}"
