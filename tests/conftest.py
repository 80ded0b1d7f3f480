"""Shared fixtures: where the reference data lives (skipping cleanly when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference() -> Path:
    """The ../shared/reference folder; tests using it skip when it is absent (a fresh clone)."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (fresh clone); skipping")
    return REFERENCE
