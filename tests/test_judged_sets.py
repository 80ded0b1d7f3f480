"""The judged sets of ``benchmarks/judged/`` are well formed, and name services their directories hold.

They are answer keys for ``benchmarks/relevance.py --set``: a vignette whose keys drift from the
format, or an id the loader does not produce, would be scored as a miss without anyone noticing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import referralmatch as rm

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))
relevance = pytest.importorskip("relevance")

NEEDS = {
    "housing", "emergency_shelter", "rental_assistance", "employment", "therapy", "support_group",
    "food", "substance_use", "crisis", "transportation", "utilities", "legal", "financial",
    "health_care", "domestic_violence", "education", "child_care",
}  # fmt: skip
REPO_SETS = [name for name, s in relevance.SETS.items() if s.vignettes.is_absolute()]


def _vignettes(name: str) -> list[dict[str, Any]]:
    path = relevance.SETS[name].vignettes
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", REPO_SETS)
def test_judged_vignettes_are_well_formed(name: str) -> None:
    vignettes = _vignettes(name)
    assert len(vignettes) >= 10
    assert len({v["id"] for v in vignettes}) == len(vignettes)
    for v in vignettes:
        assert set(v) == {"id", "client", "needs", "relevant", "must_not_return", "note"}, v["id"]
        assert set(v["needs"]) <= NEEDS and set(v["relevant"]) == set(v["needs"]), v["id"]
        assert not set(v["must_not_return"]) & {s for ids in v["relevant"].values() for s in ids}, v["id"]
        relevance.client_of(v)  # the profile validates (situations, languages, insurance)
    assert (relevance.SETS[name].vignettes.parent / "VIGNETTES.md").is_file()


@pytest.mark.parametrize("name", REPO_SETS)
def test_judged_ids_are_services_of_the_directory(name: str, reference: Path) -> None:
    judged = relevance.SETS[name]
    if not (reference / judged.directory).exists():
        pytest.skip(f"{judged.directory} not found under {reference}")
    directory: rm.Directory
    directory, vignettes = relevance.load(reference, judged)
    for v in vignettes:
        named = set(v["must_not_return"]) | {s for ids in v["relevant"].values() for s in ids}
        assert named <= set(directory.services), (v["id"], sorted(named - set(directory.services)))
