"""Resource gap analysis: which needs of a whole caseload go unmet, where, and why.

:func:`gap_kernel` is the batch kernel: a pure function from a pandas partition of client-need
rows (as :func:`~referralmatch.analysis.caseload.read_caseload` returns) to a frame with the
schema :data:`GAP_COLUMNS`. It runs the matcher's own columnar passes for each client (each need's
candidates are first blocked to the grid cells within the client's reach), so its best service
for a need is exactly :meth:`Matcher.match`'s first match. :func:`gap_analysis` runs it over the
caseload and summarises; :mod:`referralmatch.dask` runs the same kernel on Dask.

Example:
    >>> import referralmatch as rm
    >>> report = rm.gap_analysis(rm.sample_caseload_path(), rm.sample_directory_path())
    >>> sorted(report.per_client_need.status.unique())
    ['met', 'unmet']
    >>> STATUSES
    ('met', 'unmet', 'location_unknown')
    >>> int(report.by_need.client_needs.sum()) == len(report.per_client_need)
    True
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..directory import Directory
from ..io.loader import load_directory
from ..matching.config import MatchConfig
from ..matching.index import DirectoryIndex
from ..matching.matcher import Matcher
from .caseload import clients_from_caseload, read_caseload

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..models.client import ClientProfile

__all__ = [
    "GAP_COLUMNS",
    "REASONS",
    "STATUSES",
    "GapReport",
    "empty_gap_frame",
    "gap_analysis",
    "gap_kernel",
]

STATUSES = ("met", "unmet", "location_unknown")
"""A client-need's status: met, unmet (with a reason), or location_unknown (the client's
location could not be resolved, so reach cannot be judged; counted apart from both)."""

GAP_COLUMNS: dict[str, str] = {
    "client_id": "string",
    "need": "string",
    "need_priority": "Int64",
    "postal_code": "string",
    "county": "string",
    "status": "string",
    "reason": "string",
    "best_service_id": "string",
    "best_score": "Float64",
    "nearest_eligible_km": "Float64",
    "eligible_within_reach": "Int64",
}
"""The per-client-need schema: column -> pandas dtype."""

REASONS = (
    "no_service",
    "weak_fit",
    "not_eligible",
    "out_of_reach",
    "language",
    "hours",
    "at_capacity",
)
"""Why a need is unmet, in the order they are checked."""


def empty_gap_frame() -> pd.DataFrame:
    """An empty frame with the :data:`GAP_COLUMNS` schema (Dask's ``meta``)."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in GAP_COLUMNS.items()})


def gap_kernel(
    partition: pd.DataFrame, matcher: Matcher, at: datetime | None = None
) -> pd.DataFrame:
    """One row per client-need of ``partition``: met or unmet, why, best service, distances.

    Pure: the output depends only on the partition's rows, the matcher and ``at``, so results
    do not depend on how a caseload is partitioned.
    """
    clients = clients_from_caseload(partition) if len(partition) else []
    # Clients near each other share the matcher's per-place work: visit them place by place,
    # then put the rows back in caseload order.
    order = sorted(range(len(clients)), key=lambda i: _place_key(clients[i]))
    outcomes: dict[int, list[Any]] = {i: matcher.outcomes(clients[i], at=at) for i in order}
    rows: list[tuple[Any, ...]] = []
    for i, client in enumerate(clients):
        for o in outcomes[i]:
            rows.append((client.id, o.need, o.priority, o.postal_code, o.county, o.status, o.reason,
                         o.best_service_id, o.best_score, o.nearest_eligible_km,
                         o.eligible_within_reach))  # fmt: skip
    if not rows:
        return empty_gap_frame()
    frame = pd.DataFrame.from_records(rows, columns=list(GAP_COLUMNS))
    return frame.astype(GAP_COLUMNS)


def _place_key(client: ClientProfile) -> tuple[str, str, float, float]:
    place = client.location
    if place is None:
        return ("", "", 0.0, 0.0)
    return (place.postal_code or "", f"{place.city or ''},{place.state or ''}",
            place.latitude or 0.0, place.longitude or 0.0)  # fmt: skip


@dataclass
class GapReport:
    """Gap-analysis tables (tidy DataFrames with stable dtypes) and plots.

    ``per_client_need`` has one row per client-need (:data:`GAP_COLUMNS`); ``by_need``,
    ``by_area`` and ``reasons`` summarise it.
    """

    per_client_need: pd.DataFrame
    by: tuple[str, ...] = ("need", "county")

    @property
    def by_need(self) -> pd.DataFrame:
        """Per need: client-needs, met, unmet, location_unknown (counted apart), met share (of
        the client-needs whose location was resolved: met / (met + unmet); NA when none was),
        median distance to the nearest eligible site (km) and the most common reason when
        unmet."""
        return _summarise(self.per_client_need, ["need"])

    @property
    def by_area(self) -> pd.DataFrame:
        """The same summary grouped by ``by`` (default need and county; unknown areas as "unknown")."""
        return _summarise(self.per_client_need, list(self.by))

    @property
    def reasons(self) -> pd.DataFrame:
        """Unmet client-needs counted by need and reason (tidy: need, reason, count)."""
        unmet = self.per_client_need[self.per_client_need.status == "unmet"]
        counts = (
            unmet.groupby(["need", "reason"], observed=True).size().rename("count").reset_index()
        )
        counts = counts.astype({"need": "string", "reason": "string", "count": "Int64"})
        return counts.sort_values(
            ["count", "need", "reason"], ascending=[False, True, True], ignore_index=True
        )

    def summary(self) -> str:
        """A few readable lines: how many needs were met, and the main reasons for the rest."""
        frame = self.per_client_need
        total = len(frame)
        met = int((frame.status == "met").sum())
        unknown = int((frame.status == "location_unknown").sum())
        unmet = total - met - unknown
        clients = frame.client_id.nunique()
        if not total:
            return "no client needs"
        judged = met + unmet
        share = f" ({met / judged:.0%})" if judged else ""
        lines = [f"{total} needs of {clients} clients: {met} met{share}, {unmet} unmet"]
        if unknown:
            lines[0] += (
                f", {unknown} with the location unknown (not resolved; counted apart from met "
                "and unmet)"
            )
        by_reason = frame[frame.status == "unmet"].reason.value_counts()
        for reason, n in by_reason.items():
            lines.append(f"  unmet, {reason}: {n}")
        worst = self.by_need.sort_values(["met_share", "need"]).head(3)
        for need, row in worst.iterrows():
            if pd.notna(row.met_share):
                lines.append(f"  lowest coverage: {need} {row.met_share:.0%} of {row.client_needs}")
        return "\n".join(lines)

    def plot_coverage(self, ax: Axes | None = None) -> Axes:
        """Bar chart of met and unmet client-needs per need. Needs the ``plot`` extra."""
        from .plots import plot_coverage

        return plot_coverage(self, ax=ax)

    def plot_reasons(self, ax: Axes | None = None) -> Axes:
        """Stacked bars of unmet client-needs by reason, per need. Needs the ``plot`` extra."""
        from .plots import plot_reasons

        return plot_reasons(self, ax=ax)

    def plot_distance(self, ax: Axes | None = None) -> Axes:
        """Distribution of the distance to the nearest eligible site (km). Needs ``plot``."""
        from .plots import plot_distance

        return plot_distance(self, ax=ax)

    def plot_area_coverage(self, ax: Axes | None = None) -> Axes:
        """Met share per area and need, as a heat map (no map). Needs the ``plot`` extra."""
        from .plots import plot_area_coverage

        return plot_area_coverage(self, ax=ax)


def _top_reason(reasons: pd.Series) -> Any:
    """The most common reason (ties: alphabetical), or NA when none was unmet."""
    known = reasons.dropna()
    return known.mode().iloc[0] if len(known) else pd.NA


def _summarise(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    data = frame.assign(**{k: frame[k].fillna("unknown") for k in keys if k in frame.columns})
    grouped = data.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame({
        "client_needs": grouped.size().astype("Int64"),
        "met": (data.status == "met").groupby([data[k] for k in keys], observed=True, sort=True)
        .sum().astype("Int64"),
    })  # fmt: skip
    out["location_unknown"] = (
        (data.status == "location_unknown")
        .groupby([data[k] for k in keys], observed=True, sort=True)
        .sum()
        .astype("Int64")
    )
    out["unmet"] = out.client_needs - out.met - out.location_unknown
    judged = out.met + out.unmet
    out["met_share"] = (out.met / judged.where(judged > 0)).astype("Float64")
    out["median_nearest_km"] = grouped.nearest_eligible_km.median()
    out["top_reason"] = grouped.reason.agg(_top_reason)
    out = out[["client_needs", "met", "unmet", "location_unknown", "met_share",
               "median_nearest_km", "top_reason"]]  # fmt: skip
    return out.astype({"client_needs": "Int64", "met": "Int64", "unmet": "Int64",
                       "location_unknown": "Int64", "met_share": "Float64",
                       "median_nearest_km": "Float64", "top_reason": "string"})  # fmt: skip


def _matcher(
    directory: Directory | Matcher | DirectoryIndex | str | Path, config: MatchConfig | None
) -> Matcher:
    if isinstance(directory, Matcher):
        return directory
    if isinstance(directory, str | Path):
        directory = load_directory(directory)
    return Matcher(directory, config=config)


def gap_analysis(
    caseload: pd.DataFrame | str | Path,
    directory: Directory | Matcher | DirectoryIndex | str | Path,
    *,
    config: MatchConfig | None = None,
    at: datetime | None = None,
    by: Sequence[str] = ("need", "county"),
    progress: bool | None = None,
    chunk_size: int = 2_000,
) -> GapReport:
    """Analyse a whole caseload against a directory.

    Args:
        caseload: a frame from :func:`read_caseload`, or a path / raw frame it can read.
        directory: a Directory, a path to one, a DirectoryIndex or a ready Matcher.
        config: matching configuration (ignored when a Matcher is given).
        at: the moment of referral (schedules judged then, see ``Matcher.match``); None judges
            weekly hours only, so the report does not depend on the clock.
        by: columns of the per-client-need table that ``by_area`` groups by.
        progress: show a tqdm progress bar; default: only when stderr is a terminal.
        chunk_size: client-need rows per kernel call (the unit of progress).
    """
    frame = caseload
    if not (
        isinstance(frame, pd.DataFrame) and "need" in frame.columns and "client_id" in frame.columns
    ):
        frame = read_caseload(caseload)
    matcher = _matcher(directory, config)
    # Visit clients place by place (the matcher shares per-place work), then restore the order.
    place_cols = [
        c for c in ("postal_code", "latitude", "longitude", "city", "state") if c in frame.columns
    ]
    by_place = (
        frame.sort_values(place_cols, kind="stable", na_position="last") if place_cols else frame
    )
    chunks = _client_chunks(by_place, chunk_size)
    show = sys.stderr.isatty() if progress is None else progress
    iterator: Any = chunks
    if show and len(chunks) > 1:
        from tqdm.auto import tqdm

        iterator = tqdm(chunks, desc="gap analysis", unit="chunk")
    parts = [gap_kernel(chunk, matcher, at) for chunk in iterator]
    result = pd.concat(parts, ignore_index=True) if parts else empty_gap_frame()
    first_seen = pd.unique(frame["client_id"].to_numpy())
    rank = pd.Series(np.arange(len(first_seen)), index=first_seen)
    order = np.argsort(rank.reindex(result["client_id"].to_numpy()).to_numpy(), kind="stable")
    result = result.iloc[order].reset_index(drop=True)
    return GapReport(result.astype(GAP_COLUMNS), by=tuple(by))


def _client_chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """Split at client boundaries into pieces of about ``size`` rows."""
    if len(frame) <= size:
        return [frame]
    ids = frame["client_id"].to_numpy()
    change = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    cuts, last = [], 0
    for boundary in change:
        if boundary - last >= size:
            cuts.append(int(boundary))
            last = int(boundary)
    edges = [0, *cuts, len(frame)]
    return [frame.iloc[a:b] for a, b in itertools.pairwise(edges)]
