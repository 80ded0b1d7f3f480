"""Smoke test of the benchmark suite: the machinery runs at a tiny size and the baselines agree.

The baselines (a per-service Python loop over the models with geopy distances, and one DuckDB
query per client) must return the same top-5 per need as :class:`referralmatch.Matcher`, or the
benchmark compares different work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import referralmatch as rm
from referralmatch.matching.index import DirectoryIndex
from referralmatch.synth import synthetic_directory

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

baselines = pytest.importorskip("baselines")
run = pytest.importorskip("run")
pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def setup() -> tuple[rm.Directory, DirectoryIndex, list[rm.ClientProfile]]:
    directory = synthetic_directory(300, seed=11)
    index = DirectoryIndex.build(directory)
    clients = run.make_clients(10, seed=12)
    return directory, index, clients


def test_clients_have_three_needs(
    setup: tuple[rm.Directory, DirectoryIndex, list[rm.ClientProfile]],
) -> None:
    _, _, clients = setup
    assert len(clients) == 10
    assert all(len(c.needs) == 3 for c in clients)


def test_baselines_top5_equal_referralmatch(
    setup: tuple[rm.Directory, DirectoryIndex, list[rm.ClientProfile]],
) -> None:
    directory, index, clients = setup
    matcher = rm.Matcher(index)
    loop = baselines.PythonLoopMatcher(directory)
    duck = baselines.DuckDBMatcher(index, directory.to_frames()["services"], threads=1)
    people = clients + run.distinct_place_clients(clients, seed=13)
    nonempty = 0
    try:
        for client in people:
            fast = baselines.ranked_from_result(matcher.match(client, limit=5))
            nonempty += sum(1 for v in fast.values() if v)
            for got in (loop.match(client, limit=5), duck.match(client, limit=5)):
                assert set(got) == set(fast)
                for need, ranked in fast.items():
                    assert [r[0] for r in got[need]] == [r[0] for r in ranked], need
                    for (_, s1, d1), (_, s2, d2) in zip(got[need], ranked, strict=True):
                        assert s1 == pytest.approx(s2, abs=2e-6)
                        assert (d1 is None) == (d2 is None)
                        if d1 is not None and d2 is not None:
                            assert d1 == pytest.approx(d2, abs=1e-3)
    finally:
        duck.close()
    assert nonempty >= 20  # the comparison is not vacuous


def test_agreement_reports_differences() -> None:
    a = {"food": [("s1", 0.9, 1.0), ("s2", 0.8, 2.0)]}
    ok, notes = baselines.agreement(a, a)
    assert ok and notes == []
    ok, notes = baselines.agreement(a, {"food": [("s2", 0.8, 2.0), ("s1", 0.9, 1.0)]})
    assert not ok and "food" in notes[0]


def test_run_size_and_table(tmp_path: Path) -> None:
    result = run.run_size(300, clients=10, loop_clients=3, batch_clients=40, workdir=tmp_path,
                          log=lambda _: None)  # fmt: skip
    assert result["duckdb_agreement"] == 1.0
    assert result["loop_agreement"] == 1.0
    assert result["index_bytes_per_service"] > 0
    assert result["batch_per_s"] > 0 and result["batch_client_needs"] > 0
    assert result["rm_zip_median_ms"] <= result["rm_zip_p95_ms"]
    text = run.table([result])
    assert "| match 3 needs, ZIP clients, median (ms) | 300 |" in text
    assert "100.00%" in text


def test_tabular_names() -> None:
    assert run.tabular_name("address") == "addresses"
    assert run.tabular_name("service_at_location") == "service_at_location"
    assert run.tabular_name("taxonomy_term") == "taxonomy_terms"
    assert run.tabular_name("services") is None


def test_baselines_score_market_rate_private_pay_as_referralmatch_does(
    private_pay_directory: rm.Directory,
) -> None:
    # the Python-loop and DuckDB twins: hourly private pay is excluded for a low-income client
    # (unaffordable), 0.3 on cost (fees apply) for others
    directory = private_pay_directory
    at = directory.locations["l"]
    lat, lon = at.latitude, at.longitude
    index = DirectoryIndex.build(directory)
    matcher = rm.Matcher(index)
    loop = baselines.PythonLoopMatcher(directory)
    duck = baselines.DuckDBMatcher(index, directory.to_frames()["services"], threads=1)
    try:
        for income in (12_000, 90_000):
            client = rm.ClientProfile(location=rm.Place(latitude=lat, longitude=lon),
                                      needs=["transportation"], annual_income=income)  # fmt: skip
            fast = baselines.ranked_from_result(matcher.match(client, limit=5))
            for got in (loop.match(client, limit=5), duck.match(client, limit=5)):
                for need, ranked in fast.items():
                    assert [r[0] for r in got[need]] == [r[0] for r in ranked], need
                    for (_, s1, _), (_, s2, _) in zip(got[need], ranked, strict=True):
                        assert s1 == pytest.approx(s2, abs=2e-6)
    finally:
        duck.close()
