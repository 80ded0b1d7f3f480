"""Gap-analysis plots (the optional ``plot`` extra): coverage, reasons, distances, areas.

Each function takes a :class:`~referralmatch.analysis.gaps.GapReport` and an optional matplotlib
``Axes``; with no ``ax`` it makes a figure sized for the number of needs (33 categories stay
legible), draws, and returns the ``Axes``. matplotlib is imported only when a plot is drawn; when
it is missing, :class:`~referralmatch.errors.MissingExtraError` says which extra to install.

Backend: if no matplotlib backend has been chosen (no ``MPLBACKEND``, no ``backend`` in
``matplotlibrc``, pyplot not yet imported) and Python is not running interactively, the
non-interactive Agg backend is selected, so a script or a server never needs a display. A backend
chosen by the caller (a notebook, ``matplotlib.use``) is always kept.

Example:
    >>> from datetime import datetime
    >>> import referralmatch as rm
    >>> from referralmatch.analysis.plots import plot_coverage
    >>> report = rm.gap_analysis(rm.sample_caseload_path(), rm.sample_directory_path(),
    ...                          at=datetime(2026, 3, 3, 10, 0))
    >>> ax = plot_coverage(report)
    >>> ax.get_xlabel()
    'client-needs (count)'
    >>> len(ax.patches) == 2 * report.per_client_need.need.nunique()
    True
    >>> ax.figure.clf()
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ConfigurationError, MissingExtraError
from .gaps import REASONS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .gaps import GapReport

__all__ = ["plot_area_coverage", "plot_coverage", "plot_distance", "plot_reasons"]

_MET_COLOR = "#2a9d8f"
_UNMET_COLOR = "#e76f51"
_UNKNOWN_COLOR = "#9e9e9e"
_REASON_COLORS = {
    "no_service": "#6d597a",
    "weak_fit": "#9a8c98",
    "not_eligible": "#b56576",
    "out_of_reach": "#e76f51",
    "language": "#f4a261",
    "hours": "#e9c46a",
    "at_capacity": "#8d99ae",
}
_ROW_INCH = 0.28
"""Figure height per bar row (inches): 33 needs fit on a 10.7 in tall figure."""


def _pyplot() -> Any:
    """matplotlib.pyplot, choosing Agg only when nobody chose a backend; else MissingExtraError."""
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingExtraError(
            "gap-analysis plots need matplotlib: pip install 'referralmatch[plot]'"
        ) from exc
    interactive = hasattr(sys, "ps1") or "IPython" in sys.modules
    if (
        "matplotlib.pyplot" not in sys.modules
        and not os.environ.get("MPLBACKEND")
        and _backend_unset(matplotlib)
        and not interactive
    ):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _backend_unset(matplotlib: Any) -> bool:
    """True when neither matplotlibrc nor code chose a backend (matplotlib would auto-pick)."""
    getter = getattr(matplotlib.rcParams, "_get_backend_or_none", None)
    return getter is not None and getter() is None


def _axes(ax: Axes | None, width_in: float, height_in: float) -> Axes:
    plt = _pyplot()
    if ax is not None:
        return ax
    _fig, new_ax = plt.subplots(figsize=(width_in, height_in), layout="constrained")
    return new_ax  # type: ignore[no-any-return]


def _by_need(report: GapReport) -> pd.DataFrame:
    """``report.by_need``, or an empty table of its columns when there are no client-needs."""
    if len(report.per_client_need):
        return report.by_need
    columns = ["client_needs", "met", "unmet", "location_unknown", "met_share"]
    return pd.DataFrame({c: pd.Series([], dtype="Float64") for c in columns}).rename_axis("need")


def _legend_below(ax: Axes, title: str | None = None) -> None:
    """A one-row legend under the x-axis label, so it never hides a bar or its label."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, title=title, loc="upper center", bbox_to_anchor=(0.5, -0.07),
              ncols=max(len(labels), 1), frameon=False)  # fmt: skip


def _height(rows: int) -> float:
    return max(3.0, 1.6 + _ROW_INCH * rows)


def plot_coverage(report: GapReport, ax: Axes | None = None) -> Axes:
    """Horizontal stacked bars of met and unmet client-needs per need, lowest met share on top.

    Each need gets stacked bars (met, unmet and, when any, location unknown: clients whose
    location could not be resolved, counted apart; counts of client-needs) and its met share
    (%, of the needs whose location was resolved) is written at the end of the bar. Returns the
    Axes.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> ax = plot_coverage(GapReport(empty_gap_frame()))
        >>> ax.get_title()
        'Coverage by need: 0 client-needs (0 met)'
        >>> ax.figure.clf()
    """
    table = _by_need(report).sort_values(["met_share", "need"], ascending=[False, False])
    ax = _axes(ax, 8.0, _height(len(table)))
    needs = [str(n) for n in table.index]
    y = np.arange(len(needs))
    met = table["met"].to_numpy(dtype=float, na_value=0.0)
    unmet = table["unmet"].to_numpy(dtype=float, na_value=0.0)
    ax.barh(y, met, color=_MET_COLOR, label="met")
    ax.barh(y, unmet, left=met, color=_UNMET_COLOR, label="unmet")
    unknown = table["location_unknown"].to_numpy(dtype=float, na_value=0.0)
    if unknown.any():
        ax.barh(y, unknown, left=met + unmet, color=_UNKNOWN_COLOR, label="location unknown")
    total = met + unmet + unknown
    for row, (count, share) in enumerate(zip(total, table["met_share"], strict=True)):
        if count and pd.notna(share):
            ax.text(count, row, f" {share:.0%}", va="center", ha="left", fontsize=8)
    ax.set_yticks(y, needs, fontsize=9)
    ax.set_ylim(-0.6, max(len(needs), 1) - 0.4)
    ax.set_xlim(0, max(float(total.max()) * 1.12, 1.0) if len(total) else 1.0)
    ax.set_xlabel("client-needs (count)")
    ax.set_ylabel("need")
    n_met = int(met.sum())
    ax.set_title(f"Coverage by need: {int(total.sum())} client-needs ({n_met} met)")
    _legend_below(ax)
    ax.grid(axis="x", alpha=0.3)
    return ax


def _reason_order(present: list[str]) -> list[str]:
    known = [r for r in REASONS if r in present]
    return known + sorted(r for r in present if r not in REASONS)


def plot_reasons(report: GapReport, ax: Axes | None = None) -> Axes:
    """Horizontal stacked bars of unmet client-needs by reason, for each need with any unmet.

    Reasons stack in the order of :data:`~referralmatch.analysis.gaps.REASONS` (only reasons that
    occur are drawn); needs are sorted by unmet count, largest on top. Returns the Axes.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> ax = plot_reasons(GapReport(empty_gap_frame()))
        >>> ax.get_xlabel()
        'unmet client-needs (count)'
        >>> ax.figure.clf()
    """
    counts = report.reasons
    table = pd.DataFrame()
    if len(counts):
        table = counts.pivot_table(
            index="need", columns="reason", values="count", aggfunc="sum", fill_value=0
        )
    reasons = _reason_order([str(r) for r in table.columns])
    if len(table):
        table = table[reasons].astype(float)
        table = table.assign(_total=table.sum(axis=1)).sort_values(
            ["_total", "need"], ascending=[True, False]
        )
    needs = [str(n) for n in table.index]
    ax = _axes(ax, 8.0, _height(len(needs)))
    y = np.arange(len(needs))
    left = np.zeros(len(needs))
    for reason in reasons:
        values = table[reason].to_numpy(dtype=float)
        ax.barh(
            y, values, left=left, color=_REASON_COLORS.get(reason), label=reason.replace("_", " ")
        )
        left += values
    ax.set_yticks(y, needs, fontsize=9)
    if needs:
        ax.set_ylim(-0.6, len(needs) - 0.4)
        _legend_below(ax, title="reason")
    ax.set_xlim(0, max(float(left.max()) * 1.05, 1.0) if len(left) else 1.0)
    ax.set_xlabel("unmet client-needs (count)")
    ax.set_ylabel("need")
    total = int(left.sum())
    ax.set_title(f"Why needs go unmet: {total} unmet client-needs by reason")
    ax.grid(axis="x", alpha=0.3)
    return ax


def distance_bins(distances_km: np.ndarray[Any, Any], bins: int = 24) -> np.ndarray[Any, Any]:
    """Histogram bin edges (km) from 0 to the 95th percentile of ``distances_km`` (at least 1 km).

    Longer distances are drawn in the last bin by :func:`plot_distance`, so a few far-away
    clients do not squash the histogram.

    Example:
        >>> distance_bins(np.array([0.5, 2.0, 3.5, 40.0]), bins=4).tolist()
        [0.0, 8.75, 17.5, 26.25, 35.0]
    """
    finite = distances_km[np.isfinite(distances_km)]
    upper = float(np.ceil(np.percentile(finite, 95))) if len(finite) else 1.0
    return np.linspace(0.0, max(upper, 1.0), bins + 1)


def plot_distance(report: GapReport, ax: Axes | None = None) -> Axes:
    """Stacked histogram of the distance to the nearest eligible site (km), met vs unmet.

    Bins run from 0 to the 95th percentile (:func:`distance_bins`); farther client-needs are
    counted in the last bin, which is labelled. A dashed line marks the median over all
    client-needs with an eligible site; those with none anywhere are counted in the title.
    Returns the Axes.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> ax = plot_distance(GapReport(empty_gap_frame()))
        >>> ax.get_xlabel()
        'distance to the nearest eligible site (km)'
        >>> ax.figure.clf()
    """
    frame = report.per_client_need
    km = frame["nearest_eligible_km"].to_numpy(dtype=float, na_value=np.nan)
    met = (frame["status"] == "met").fillna(False).to_numpy(dtype=bool)
    known = np.isfinite(km)
    edges = distance_bins(km)
    upper = float(edges[-1])
    ax = _axes(ax, 8.0, 4.5)
    # Values beyond the last edge go into the last bin (just inside it).
    clipped = np.minimum(km, np.nextafter(upper, 0.0))
    ax.hist(
        [clipped[known & met], clipped[known & ~met]],
        bins=edges.tolist(),
        stacked=True,
        color=[_MET_COLOR, _UNMET_COLOR],
        label=["met", "unmet"],
    )
    if known.any():
        median = float(np.median(km[known]))
        ax.axvline(median, color="black", linestyle="--", linewidth=1.2,
                   label=f"median {median:.1f} km")  # fmt: skip
    beyond = int((km[known] >= upper).sum())
    if beyond:
        ax.annotate(f"last bar includes\n{beyond} beyond {upper:.0f} km", xy=(1.0, 1.0),
                    xycoords="axes fraction", ha="right", va="top", fontsize=8,
                    xytext=(-4, -4), textcoords="offset points")  # fmt: skip
    ax.set_xlim(0.0, upper)
    ax.set_xlabel("distance to the nearest eligible site (km)")
    ax.set_ylabel("client-needs (count)")
    missing = int((~known).sum())
    title = "Distance to the nearest eligible site"
    if missing:
        title += f" ({missing} client-needs have none)"
    ax.set_title(title)
    ax.legend(loc="center right")
    ax.grid(axis="y", alpha=0.3)
    return ax


def area_column(report: GapReport) -> str | None:
    """The area column of ``report.by`` (the first that is not ``need``), or None.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> area_column(GapReport(empty_gap_frame())), area_column(GapReport(empty_gap_frame(), by=("need",)))
        ('county', None)
    """
    return next((c for c in report.by if c != "need"), None)


def _area_data(report: GapReport) -> pd.DataFrame:
    """need, area, met (0.0/1.0) per client-need whose location was resolved (location_unknown
    rows are left out: they are neither met nor unmet); area from :func:`area_column`."""
    frame = report.per_client_need
    frame = frame[(frame["status"] != "location_unknown").fillna(True).to_numpy(dtype=bool)]
    column = area_column(report)
    area = (
        frame[column].astype("string").fillna("unknown")
        if column is not None
        else pd.Series("all", index=frame.index, dtype="string")
    )
    return pd.DataFrame({
        "need": frame["need"].astype("string").fillna("unknown").to_numpy(),
        "area": area.to_numpy(),
        "met": (frame["status"] == "met").fillna(False).to_numpy(dtype=float),
    })  # fmt: skip


def area_coverage_table(report: GapReport, value: str = "met_share") -> pd.DataFrame:
    """Need (rows, sorted) x area (columns, most client-needs first) table of the met share (0-1).

    ``value="client_needs"`` gives the number of client-needs per cell instead. Areas come from
    :func:`area_column` (missing values as ``"unknown"``; all client-needs in one column
    ``"all"`` when ``by`` has no area); a cell with no client-needs is NaN.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> area_coverage_table(GapReport(empty_gap_frame())).shape
        (0, 0)
    """
    if value not in ("met_share", "client_needs"):
        raise ConfigurationError("value must be 'met_share' or 'client_needs'")
    data = _area_data(report)
    if data.empty:
        return pd.DataFrame(dtype=float)
    grouped = data.groupby(["need", "area"], observed=True)["met"]
    cells = grouped.mean() if value == "met_share" else grouped.size().astype(float)
    table = cells.unstack("area")
    order = data["area"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    table = table[[a for a in order.index if a in table.columns]]
    table = table.sort_index().astype(float)
    if value == "client_needs":
        table = table.where(table > 0)
    return table


def plot_area_coverage(report: GapReport, ax: Axes | None = None) -> Axes:
    """Heat map of met share per need (rows) and area (columns); no map needed.

    Areas are ``report.by``'s area column (default county), most client-needs first. Each cell is
    coloured by its met share (0-100 %) and annotated with it and its number of client-needs
    (``n``); empty cells (no client-needs of that need in that area) stay blank. Returns the Axes.

    Example:
        >>> from referralmatch.analysis.gaps import GapReport, empty_gap_frame
        >>> ax = plot_area_coverage(GapReport(empty_gap_frame()))
        >>> ax.get_ylabel()
        'need'
        >>> ax.figure.clf()
    """
    table = area_coverage_table(report)
    counts = area_coverage_table(report, value="client_needs").to_numpy(dtype=float)
    shares = table.to_numpy(dtype=float)
    n_needs, n_areas = table.shape
    ax = _axes(ax, max(5.5, 3.2 + 1.1 * n_areas), _height(n_needs))
    column = area_column(report)
    ax.set_xlabel(column if column is not None else "area")
    ax.set_ylabel("need")
    ax.set_title(f"Met share by need and {column or 'area'}")
    if not table.size:
        ax.text(0.5, 0.5, "no client-needs", ha="center", va="center", transform=ax.transAxes)
        return ax
    image = ax.imshow(
        np.ma.masked_invalid(shares),
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        aspect="auto",
        interpolation="nearest",
    )
    for (row, col), share in np.ndenumerate(shares):
        if np.isfinite(share):
            color = "white" if share < 0.2 or share > 0.85 else "black"
            label = f"{share:.0%}\nn={counts[row, col]:.0f}"
            ax.text(col, row, label, ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(np.arange(n_areas), [str(a) for a in table.columns], rotation=30, ha="right")
    ax.set_yticks(np.arange(n_needs), [str(n) for n in table.index], fontsize=9)
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.06, pad=0.02)
    colorbar.set_label("met share (0-1)")
    return ax
