"""A matcher that has served other clients answers exactly as a fresh one: what it keeps across
clients (place columns, factor tables, shared verdicts, area coverage, Factor objects) never
changes a result."""

from __future__ import annotations

from datetime import datetime

import pytest

import referralmatch as rm
from referralmatch.analysis.caseload import clients_from_caseload
from referralmatch.matching.index import DirectoryIndex
from referralmatch.synth import synthetic_caseload, synthetic_directory


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex.build(synthetic_directory(800, seed=11))


@pytest.mark.parametrize("at", [None, datetime(2026, 3, 4, 18, 30)])
def test_a_used_matcher_answers_as_a_fresh_one(index: DirectoryIndex, at: datetime | None) -> None:
    clients = clients_from_caseload(rm.read_caseload(synthetic_caseload(40, seed=4)))
    used = rm.Matcher(index)
    for client in clients + clients[::-1]:  # the second pass meets every cache warm
        got = used.match(client, limit=4, at=at)
        want = rm.Matcher(index).match(client, limit=4, at=at)
        assert [n.model_dump() for n in got.needs] == [n.model_dump() for n in want.needs]
        assert got.excluded == want.excluded
