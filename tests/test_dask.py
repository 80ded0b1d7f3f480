"""Tests for referralmatch.dask: the Dask adapter gives exactly the pandas gap analysis."""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import referralmatch as rm
from referralmatch.analysis.gaps import GAP_COLUMNS
from referralmatch.errors import CaseloadError, ConfigurationError, MissingExtraError

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
rmd = importlib.import_module("referralmatch.dask")

AT = datetime.datetime(2025, 3, 4, 10, 30)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return rm.read_caseload(rm.sample_caseload_path())


@pytest.fixture(scope="module")
def matcher() -> rm.Matcher:
    return rm.Matcher(rm.load_directory(rm.sample_directory_path()))


@pytest.fixture(scope="module")
def expected(rows: pd.DataFrame, matcher: rm.Matcher) -> rm.GapReport:
    return rm.gap_analysis(rows, matcher, at=AT, progress=False)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["client_id", "need"], kind="stable").reset_index(drop=True)


def _dask_frame(pieces: list[pd.DataFrame]) -> Any:
    """One partition per piece, tuple cells kept as Python objects."""
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.concat([dd.from_pandas(p, npartitions=1, sort=False) for p in pieces])


@pytest.mark.parametrize("scheduler", [None, "sync", "threads"])
def test_local_schedulers_equal_pandas_exactly(
    rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport, scheduler: str | None
) -> None:
    report = rmd.gap_analysis(rows, matcher, at=AT, npartitions=4)
    assert report.per_client_need.npartitions == 4
    assert dict(report.per_client_need.dtypes.astype(str)) == GAP_COLUMNS
    kwargs = {} if scheduler is None else {"scheduler": scheduler}
    result = report.compute(**kwargs)
    assert isinstance(result, rm.GapReport)
    pd.testing.assert_frame_equal(
        _sorted(result.per_client_need), _sorted(expected.per_client_need)
    )
    # Clients whole and in caseload order: even the unsorted rows agree.
    pd.testing.assert_frame_equal(result.per_client_need, expected.per_client_need)


def test_summaries_equal_pandas(
    rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport
) -> None:
    report = rmd.gap_analysis(rows, matcher, at=AT, npartitions=3)
    with dask.config.set(scheduler="sync"):
        pd.testing.assert_frame_equal(report.by_need, expected.by_need)
        pd.testing.assert_frame_equal(report.by_area, expected.by_area)
        pd.testing.assert_frame_equal(report.reasons, expected.reasons)
        assert report.summary() == expected.summary()


def test_paths_accepted(rows: pd.DataFrame, expected: rm.GapReport) -> None:
    report = rmd.gap_analysis(rm.sample_caseload_path(), rm.sample_directory_path(), at=AT)
    result = report.compute(scheduler="sync")
    pd.testing.assert_frame_equal(result.per_client_need, expected.per_client_need)


def test_from_pandas_caseload_keeps_clients_whole_and_in_order(rows: pd.DataFrame) -> None:
    # Interleave clients so that a positional split would cut them.
    shuffled = rows.sample(frac=1.0, random_state=7)
    ddf = rmd.from_pandas_caseload(shuffled, npartitions=6)
    assert ddf.npartitions == 6
    parts = [ddf.get_partition(i).compute(scheduler="sync") for i in range(ddf.npartitions)]
    seen: set[str] = set()
    for part in parts:
        ids = set(part.client_id)
        assert not ids & seen
        seen |= ids
    assert seen == set(rows.client_id)
    assert sum(len(p) for p in parts) == len(rows)
    # Each client's rows keep their relative order; tuple cells stay tuples.
    joined = pd.concat(parts)
    for cid, group in joined.groupby("client_id", sort=False):
        assert list(group.index) == list(shuffled.index[shuffled.client_id == cid])
    assert isinstance(joined.languages.dropna().iloc[0], tuple)
    assert rmd.from_pandas_caseload(rows.iloc[:3], npartitions=50).npartitions <= 3


def test_split_client_is_detected(rows: pd.DataFrame, matcher: rm.Matcher) -> None:
    by_need = rows.sort_values("need", kind="stable")  # clients scattered over the frame
    split = _dask_frame([by_need.iloc[:300], by_need.iloc[300:]])
    report = rmd.gap_analysis(split, matcher, at=AT)
    with pytest.raises(CaseloadError, match="partition_by_client") as info:
        report.compute(scheduler="sync")
    # Privacy: the message names the column, never a client's id.
    assert not any(cid in str(info.value) for cid in rows.client_id.unique())


def test_partition_by_client_repairs_a_split(
    rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport
) -> None:
    by_need = rows.sort_values("need", kind="stable")
    split = _dask_frame([by_need.iloc[:300], by_need.iloc[300:500], by_need.iloc[500:]])
    whole = rmd.partition_by_client(split, npartitions=2)
    result = rmd.gap_analysis(whole, matcher, at=AT).compute(scheduler="sync")
    pd.testing.assert_frame_equal(
        _sorted(result.per_client_need), _sorted(expected.per_client_need)
    )


def test_set_index_on_client_id_is_whole_by_construction(
    rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport
) -> None:
    with dask.config.set({"dataframe.convert-string": False, "scheduler": "sync"}):
        indexed = dd.from_pandas(rows, npartitions=3, sort=False).set_index("client_id")
        report = rmd.gap_analysis(indexed, matcher, at=AT)
        assert report.clients is None  # no check needed: divisions keep each id whole
        result = report.compute()
    pd.testing.assert_frame_equal(
        _sorted(result.per_client_need), _sorted(expected.per_client_need)
    )


def test_bad_inputs_raise(rows: pd.DataFrame, matcher: rm.Matcher) -> None:
    with dask.config.set({"dataframe.convert-string": True}):
        texty = dd.from_pandas(rows, npartitions=2, sort=False)
    with pytest.raises(ConfigurationError, match="languages"):
        rmd.gap_analysis(texty, matcher, at=AT)
    with pytest.raises(ConfigurationError, match="npartitions"):
        rmd.gap_analysis(_dask_frame([rows]), matcher, npartitions=2)
    with pytest.raises(CaseloadError):
        rmd.gap_analysis(_dask_frame([rows.drop(columns="need")]), matcher)
    with pytest.raises(ConfigurationError):
        rmd.from_pandas_caseload(rows, npartitions=0)


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_results_do_not_depend_on_partitioning(
    data: st.DataObject, rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport
) -> None:
    clients = list(pd.unique(rows.client_id))
    keep = data.draw(st.lists(st.sampled_from(clients), min_size=1, max_size=40, unique=True))
    order = data.draw(st.permutations(keep))
    n_parts = data.draw(st.integers(1, min(8, len(order))))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(order) - 1), max_size=n_parts - 1))
                  if len(order) > 1 else [])  # fmt: skip
    groups = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)]
    pieces = [rows[rows.client_id.isin(g)] for g in groups]
    result = rmd.gap_analysis(_dask_frame(pieces), matcher, at=AT).compute(scheduler="sync")
    want = expected.per_client_need[expected.per_client_need.client_id.isin(keep)]
    pd.testing.assert_frame_equal(_sorted(result.per_client_need), _sorted(want))


@pytest.mark.enable_socket
@pytest.mark.filterwarnings("ignore:Port .* is already in use")  # another cluster on the machine
def test_local_cluster_equals_pandas_exactly(
    rows: pd.DataFrame, matcher: rm.Matcher, expected: rm.GapReport
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=120)  # a broadcast reaches the workers up by then
        report = rmd.gap_analysis(rows, matcher, at=AT, npartitions=4)
        # The matcher was broadcast once, to both workers.
        assert isinstance(report._keep, distributed.Future)
        assert len(client.who_has([report._keep])[report._keep.key]) == 2
        result = report.compute()
        by_need = rows.sort_values("need", kind="stable")
        split = _dask_frame([by_need.iloc[:400], by_need.iloc[400:]])
        repaired = rmd.gap_analysis(rmd.partition_by_client(split), matcher, at=AT).compute()
    pd.testing.assert_frame_equal(result.per_client_need, expected.per_client_need)
    pd.testing.assert_frame_equal(
        _sorted(repaired.per_client_need), _sorted(expected.per_client_need)
    )


def test_import_referralmatch_does_not_import_dask() -> None:
    code = (
        "import referralmatch, sys; "
        "assert 'dask' not in sys.modules and 'distributed' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(sys.modules, "referralmatch.dask")
    with pytest.raises(MissingExtraError, match=r"pip install 'referralmatch\[dask\]'") as info:
        importlib.import_module("referralmatch.dask")
    assert isinstance(info.value, ImportError)
