"""Where the bundled sample data lives inside the installed package.

The sample directory (HSDS 3.0 JSON) and caseload (CSV) are fictional organizations and clients
in real places, written by this project; see ``data/README.md``.

Example:
    >>> sample_directory_path().name
    'sample_directory.json'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["sample_caseload_path", "sample_directory_path"]


def _data_file(name: str) -> Path:
    return Path(str(resources.files("referralmatch") / "data" / name))


def sample_directory_path() -> Path:
    """Path of the bundled sample directory (HSDS 3.0 JSON)."""
    return _data_file("sample_directory.json")


def sample_caseload_path() -> Path:
    """Path of the bundled sample caseload (CSV, one row per fictional client)."""
    return _data_file("sample_caseload.csv")
