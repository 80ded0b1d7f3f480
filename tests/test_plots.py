"""Gap-analysis plots: bar, histogram and heat-map contents checked against the report's table."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

import referralmatch as rm
from referralmatch.analysis import plots
from referralmatch.analysis.gaps import GAP_COLUMNS, REASONS, GapReport, empty_gap_frame
from referralmatch.errors import MissingExtraError, ReferralMatchError

AT = datetime(2026, 3, 3, 10, 0)


@pytest.fixture(scope="module")
def report() -> GapReport:
    """Gap analysis of the bundled sample (computed once: it takes a few seconds)."""
    return rm.gap_analysis(
        rm.sample_caseload_path(), rm.sample_directory_path(), at=AT, progress=False
    )


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _tiny(by: tuple[str, ...] = ("need", "county")) -> GapReport:
    """A hand-made report: 3 needs, 2 counties plus one client with no county."""
    rows = [
        ("c1", "food", 1, "95814", "Sacramento County", "met", None, "s1", 0.9, 1.0, 3),
        ("c1", "housing", 2, "95814", "Sacramento County", "unmet", "out_of_reach", None, None, 40.0, 0),
        ("c2", "food", 1, "95616", "Yolo County", "unmet", "language", None, None, 5.0, 0),
        ("c2", "therapy", 2, "95616", "Yolo County", "unmet", "out_of_reach", None, None, 60.0, 0),
        ("c3", "housing", 1, None, None, "unmet", "no_service", None, None, None, 0),
        ("c4", "food", 1, "95814", "Sacramento County", "met", None, "s1", 0.8, 2.0, 2),
        ("c4", "therapy", 2, "95814", "Sacramento County", "unmet", "language", None, None, 3.0, 0),
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=list(GAP_COLUMNS)).astype(GAP_COLUMNS)
    return GapReport(frame, by=by)


def _bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _cells(ax: Axes) -> np.ma.MaskedArray[Any, Any]:
    """The heat map's cell values (masked where a cell is empty)."""
    values = ax.get_images()[0].get_array()
    assert values is not None
    return np.ma.asarray(values)


def _tick_labels(ax: Axes, axis: str = "y") -> list[str]:
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


# --- coverage --------------------------------------------------------------------------------


def test_coverage_has_a_met_and_an_unmet_bar_per_need(report: GapReport) -> None:
    frame = report.per_client_need
    needs = frame["need"].nunique()
    ax = report.plot_coverage()
    assert isinstance(ax, Axes)
    bars = _bars(ax)
    assert len(bars) == 2 * needs
    assert sum(b.get_width() for b in bars) == pytest.approx(len(frame))
    met_bars = bars[:needs]  # drawn first
    assert sum(b.get_width() for b in met_bars) == pytest.approx((frame["status"] == "met").sum())
    assert set(_tick_labels(ax)) == set(frame["need"].unique())
    assert "client-needs" in ax.get_xlabel()
    assert ax.get_ylabel() == "need"
    assert ax.get_title().startswith("Coverage by need")
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["met", "unmet"]


def test_coverage_is_sorted_by_met_share_lowest_on_top(report: GapReport) -> None:
    frame = report.per_client_need
    share = (frame["status"] == "met").groupby(frame["need"]).mean()
    ax = plots.plot_coverage(report)
    labels = _tick_labels(ax)  # bottom (y=0) to top
    shares = [share[n] for n in labels]
    assert shares == sorted(shares, reverse=True)
    assert labels[-1] == share.idxmin() or share[labels[-1]] == share.min()


def test_coverage_sizes_its_figure_for_many_needs(report: GapReport) -> None:
    ax = plots.plot_coverage(report)
    width, height = ax.figure.get_size_inches()
    assert height >= 0.25 * report.per_client_need["need"].nunique()
    assert width >= 6


def test_coverage_draws_on_a_given_axes(report: GapReport) -> None:
    _fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_coverage(report, ax=right) is right
    assert not left.patches


# --- reasons ---------------------------------------------------------------------------------


def test_reasons_stack_one_bar_per_reason_and_need(report: GapReport) -> None:
    unmet = report.per_client_need[report.per_client_need["status"] == "unmet"]
    needs = unmet["need"].nunique()
    reasons = [r for r in REASONS if r in set(unmet["reason"].dropna())]
    ax = report.plot_reasons()
    bars = _bars(ax)
    assert len(bars) == needs * len(reasons)
    assert sum(b.get_width() for b in bars) == pytest.approx(unmet["reason"].notna().sum())
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [r.replace("_", " ") for r in reasons]
    assert set(_tick_labels(ax)) == set(unmet["need"].unique())
    assert "unmet" in ax.get_xlabel()
    assert "reason" in ax.get_title()


def test_reasons_on_a_tiny_report_follow_the_reason_order() -> None:
    ax = plots.plot_reasons(_tiny())
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["no service", "out of reach", "language"]
    # 3 needs with unmet (food, housing, therapy) x 3 reasons
    assert len(_bars(ax)) == 9
    labels = _tick_labels(ax)
    assert labels[-1] in {"housing", "therapy"}  # 2 unmet each, on top
    assert labels[0] == "food"  # 1 unmet


# --- distance --------------------------------------------------------------------------------


def test_distance_histogram_counts_every_client_need_with_a_site(report: GapReport) -> None:
    km = report.per_client_need["nearest_eligible_km"].dropna().to_numpy(dtype=float)
    ax = report.plot_distance()
    bars = _bars(ax)
    edges = plots.distance_bins(km)
    assert len(bars) == 2 * (len(edges) - 1)  # met and unmet series
    assert sum(b.get_height() for b in bars) == pytest.approx(len(km))
    medians = [line.get_xdata()[0] for line in ax.lines]
    assert medians == [pytest.approx(float(np.median(km)))]
    assert ax.get_xlabel().endswith("(km)")
    assert "count" in ax.get_ylabel()
    missing = int(report.per_client_need["nearest_eligible_km"].isna().sum())
    assert f"{missing} client-needs have none" in ax.get_title()
    legend = ax.get_legend()
    assert legend is not None
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:2] == ["met", "unmet"] or "met" in texts
    assert any(t.startswith("median") and t.endswith("km") for t in texts)


def test_distance_puts_far_values_in_the_last_bin() -> None:
    edges = plots.distance_bins(np.array([1.0, 2.0, 3.0, 1000.0]))
    assert edges[0] == 0.0
    assert edges[-1] < 1000.0
    ax = plots.plot_distance(_tiny())
    bars = _bars(ax)
    assert sum(b.get_height() for b in bars) == 6  # the client with no site is left out
    assert ax.get_xlim()[1] == pytest.approx(
        plots.distance_bins(np.array([1, 40, 5, 60, 2, 3.0]))[-1]
    )


# --- area heat map ---------------------------------------------------------------------------


def test_area_heat_map_has_a_cell_per_need_and_county(report: GapReport) -> None:
    frame = report.per_client_need
    needs = frame["need"].nunique()
    counties = frame["county"].fillna("unknown").nunique()
    ax = report.plot_area_coverage()
    assert _cells(ax).shape == (needs, counties)
    filled = frame.assign(county=frame["county"].fillna("unknown"))
    occupied = filled.groupby(["need", "county"]).ngroups
    assert len(ax.texts) == occupied
    assert int(np.ma.count(_cells(ax))) == occupied
    assert ax.get_xlabel() == "county"
    assert ax.get_ylabel() == "need"
    assert set(_tick_labels(ax, "x")) == set(filled["county"])


def test_area_cells_are_met_shares() -> None:
    tiny = _tiny()
    table = plots.area_coverage_table(tiny)
    assert list(table.columns) == ["Sacramento County", "Yolo County", "unknown"]
    assert list(table.index) == ["food", "housing", "therapy"]
    assert table.loc["food", "Sacramento County"] == 1.0
    assert table.loc["food", "Yolo County"] == 0.0
    assert table.loc["housing", "Sacramento County"] == 0.0
    assert np.isnan(table.loc["therapy", "unknown"])
    counts = plots.area_coverage_table(tiny, value="client_needs")
    assert counts.loc["food", "Sacramento County"] == 2
    ax = plots.plot_area_coverage(tiny)
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts.count("100%\nn=2") == 1
    assert len(texts) == 6
    with pytest.raises(ReferralMatchError):
        plots.area_coverage_table(tiny, value="median")


def test_area_without_an_area_column_uses_one_column() -> None:
    ax = plots.plot_area_coverage(_tiny(by=("need",)))
    assert _cells(ax).shape == (3, 1)
    assert _tick_labels(ax, "x") == ["all"]


def test_area_uses_the_report_by_column() -> None:
    ax = plots.plot_area_coverage(_tiny(by=("need", "postal_code")))
    assert ax.get_xlabel() == "postal_code"
    assert _cells(ax).shape == (3, 3)  # 95814, 95616, unknown


# --- saving, empty reports, missing extra ----------------------------------------------------


@pytest.mark.parametrize(
    "method", ["plot_coverage", "plot_reasons", "plot_distance", "plot_area_coverage"]
)
def test_figures_save_to_png(report: GapReport, method: str, tmp_path: Path) -> None:
    ax = getattr(report, method)()
    path = tmp_path / f"{method}.png"
    ax.figure.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 5_000


@pytest.mark.parametrize(
    "method", ["plot_coverage", "plot_reasons", "plot_distance", "plot_area_coverage"]
)
def test_empty_report_plots_without_error(method: str) -> None:
    empty = GapReport(empty_gap_frame())
    ax = getattr(plots, method)(empty)
    assert isinstance(ax, Axes)
    assert ax.get_title()


def test_missing_matplotlib_names_the_extra(
    report: GapReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"referralmatch\[plot\]") as info:
        report.plot_coverage()
    assert isinstance(info.value, ImportError)
    for function in (plots.plot_reasons, plots.plot_distance, plots.plot_area_coverage):
        with pytest.raises(MissingExtraError):
            function(report)


@pytest.mark.parametrize(("env_backend", "expected"), [(None, "agg"), ("svg", "svg")])
def test_backend_is_agg_only_when_none_was_chosen(env_backend: str | None, expected: str) -> None:
    code = (
        "import matplotlib\n"
        "from referralmatch.analysis.gaps import GapReport, empty_gap_frame\n"
        "from referralmatch.analysis.plots import plot_distance\n"
        "plot_distance(GapReport(empty_gap_frame()))\n"
        "print(matplotlib.get_backend().lower())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if env_backend:
        env["MPLBACKEND"] = env_backend
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(expected)
