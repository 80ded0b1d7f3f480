"""Scale-out of gap analysis on Dask: the adapter that runs :func:`gap_kernel` per partition.

Needs the ``dask`` extra (``pip install 'referralmatch[dask]'``); importing :mod:`referralmatch`
never imports Dask, only ``import referralmatch.dask`` does, and without Dask that import raises
:class:`~referralmatch.errors.MissingExtraError`.

:func:`gap_analysis` builds the :class:`~referralmatch.Matcher` once, ships it to the workers
once (broadcast to every worker when a ``distributed`` Client is active, otherwise one shared
graph key), and maps the pure pandas kernel over the caseload's partitions with the declared
schema :data:`~referralmatch.analysis.gaps.GAP_COLUMNS` as ``meta``.

**Clients must stay whole.** The kernel groups a partition's rows by ``client_id`` into client
profiles, so every row of one client must sit in one partition. :func:`from_pandas_caseload`
cuts a pandas caseload only at client boundaries, and :func:`partition_by_client` shuffles a
Dask frame on ``client_id``. :meth:`DaskGapReport.compute` checks the precondition on the same
graph (one ``client_id`` column per partition, no extra pass over the data) and raises
:class:`~referralmatch.errors.CaseloadError` when a client is split.

Example (the same call as :func:`referralmatch.gap_analysis`, see :func:`gap_analysis`):
    >>> import referralmatch as rm
    >>> from referralmatch.dask import from_pandas_caseload
    >>> caseload = from_pandas_caseload(rm.sample_caseload_path(), npartitions=4)
    >>> caseload.npartitions, int(caseload.client_id.nunique().compute(scheduler="sync"))
    (4, 330)
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import CaseloadError, ConfigurationError, MissingExtraError

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - exercised by a test that hides dask
    raise MissingExtraError(
        "referralmatch.dask needs the dask extra: pip install 'referralmatch[dask]'"
    ) from exc

from .analysis.caseload import CASELOAD_COLUMNS, read_caseload
from .analysis.gaps import GAP_COLUMNS, GapReport, _matcher, empty_gap_frame, gap_kernel
from .directory import Directory
from .matching.config import MatchConfig
from .matching.index import DirectoryIndex
from .matching.matcher import Matcher

# Dask's own annotations are partial: call it through Any-typed names (mypy --strict).
_dask: Any = dask
_dd: Any = dd

__all__ = ["DaskGapReport", "from_pandas_caseload", "gap_analysis", "partition_by_client"]

# The columns the pandas gap analysis orders clients by, so that one place's clients meet.
_PLACE_COLUMNS = ("postal_code", "latitude", "longitude", "city", "state")
# Caseload columns whose cells are tuples; Dask's string conversion would turn them into text.
_TUPLE_COLUMNS = tuple(name for name, dtype in CASELOAD_COLUMNS.items() if dtype == "object")


def _client_need_frame(frame: pd.DataFrame | str | Path) -> pd.DataFrame:
    """A frame as :func:`read_caseload` returns, reading raw tables and paths first."""
    if isinstance(frame, pd.DataFrame) and {"client_id", "need"} <= set(frame.columns):
        return frame
    return read_caseload(frame)


def from_pandas_caseload(
    frame: pd.DataFrame | str | Path, npartitions: int, *, by_place: bool = True
) -> dd.DataFrame:
    """A Dask frame of client-need rows cut into about ``npartitions`` parts of similar row
    counts, only at client boundaries, so every client's rows sit in one partition.

    ``frame`` is a client-need frame from :func:`~referralmatch.read_caseload` (or anything it
    reads: a raw table or a path). Rows of one client are brought together, each client's rows
    in their original order. With ``by_place`` (the default) clients are ordered by place
    (postal code, coordinates, city, state; ties in caseload order) as the pandas
    :func:`~referralmatch.gap_analysis` visits them, so that clients of one place share a
    partition and the matcher's per-place work; otherwise clients keep the order they first
    appear in. A caseload with fewer clients than ``npartitions`` gives one partition per
    client. Tuple-valued columns (languages, insurance, dependents' ages) keep their Python
    tuples: Dask's string conversion is switched off for this frame.

    >>> import pandas as pd
    >>> raw = pd.DataFrame({"client_id": ["a", "b", "c"], "postal_code": ["95814", "95608", ""],
    ...                     "needs": ["food;legal", "housing", "therapy;food;legal"]})
    >>> parts = from_pandas_caseload(raw, npartitions=2)
    >>> [list(parts.get_partition(i).compute(scheduler="sync").client_id)
    ...  for i in range(parts.npartitions)]
    [['b', 'a', 'a'], ['c', 'c', 'c']]
    >>> parts = from_pandas_caseload(raw, npartitions=2, by_place=False)
    >>> [list(parts.get_partition(i).compute(scheduler="sync").client_id)
    ...  for i in range(parts.npartitions)]
    [['a', 'a', 'b'], ['c', 'c', 'c']]
    """
    if npartitions < 1:
        raise ConfigurationError("npartitions must be >= 1")
    frame = _client_need_frame(frame)
    codes, _ = pd.factorize(frame["client_id"], use_na_sentinel=False)
    rank = np.arange(codes.max() + 1 if len(codes) else 0)
    place_cols = [c for c in _PLACE_COLUMNS if c in frame.columns]
    if by_place and place_cols and len(frame):
        # One place key per client (its first row), sorted stably: ties keep caseload order.
        first_rows = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())  # in code order
        keys = frame.iloc[first_rows][place_cols].reset_index(drop=True)
        by = keys.sort_values(place_cols, kind="stable", na_position="last").index.to_numpy()
        rank[by] = np.arange(len(by))
    order = np.argsort(rank[codes], kind="stable")
    frame = frame.iloc[order]
    codes = rank[codes[order]]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(frame) else np.array([0])
    # Each cut is the first client start at or after an even share of the rows.
    targets = np.arange(1, npartitions) * (len(frame) / npartitions)
    cuts = np.unique(starts[np.minimum(np.searchsorted(starts, targets), len(starts) - 1)])
    edges = [0, *(int(c) for c in cuts if 0 < c < len(frame)), len(frame)]
    pieces = [frame.iloc[a:b] for a, b in itertools.pairwise(edges)]
    with _dask.config.set({"dataframe.convert-string": False}):
        result: dd.DataFrame = _dd.concat(
            [_dd.from_pandas(p, npartitions=1, sort=False) for p in pieces]
        )
    return result


def partition_by_client(caseload: dd.DataFrame, npartitions: int | None = None) -> dd.DataFrame:
    """Shuffle a Dask caseload on ``client_id`` so every client's rows share one partition.

    A hash shuffle (Dask's task-based method, which keeps the tuple-valued cells as Python
    objects; the peer-to-peer method would send them through Arrow). ``npartitions`` defaults
    to the input's. Use it on a caseload read with Dask (``dd.read_csv`` + ``read_caseload``
    per partition), where a client's rows may straddle a block boundary.

    >>> import pandas as pd
    >>> import referralmatch as rm
    >>> import dask.dataframe as dd
    >>> rows = rm.read_caseload(pd.DataFrame({"client_id": ["a", "b", "a"],
    ...                                       "needs": ["food", "legal", "housing"]}))
    >>> with dask.config.set({"dataframe.convert-string": False}):
    ...     split = dd.from_pandas(rows.sort_values("need"), npartitions=3, sort=False)
    >>> whole = partition_by_client(split, npartitions=2)
    >>> ids = [set(whole.get_partition(i).compute(scheduler="sync").client_id)
    ...        for i in range(whole.npartitions)]
    >>> sum(len(s) for s in ids)  # each client in exactly one partition
    2
    """
    if "client_id" not in caseload.columns:
        raise CaseloadError(
            "a client-need frame needs a client_id column", ((0, "client_id", "column is missing"),)
        )
    frame: Any = caseload
    shuffled: dd.DataFrame = frame.shuffle(
        on="client_id", npartitions=npartitions or frame.npartitions, shuffle_method="tasks"
    )
    return shuffled


def _gap_partition(partition: pd.DataFrame, matcher: Matcher, at: datetime) -> pd.DataFrame:
    """:func:`gap_kernel` on one partition (client_id may be the index after ``set_index``)."""
    if "client_id" not in partition.columns and partition.index.name == "client_id":
        partition = partition.reset_index()
    return gap_kernel(partition, matcher, at)


def _partition_clients(partition: pd.DataFrame) -> pd.Series:
    """The distinct client ids of one partition (for the clients-whole check)."""
    ids = partition["client_id"] if "client_id" in partition.columns else partition.index
    return pd.Series(pd.unique(pd.Series(ids, dtype="string").to_numpy()), dtype="string")


def _active_client() -> Any:
    """The default ``distributed`` Client, or None (also when distributed is not installed)."""
    try:
        from distributed import default_client as _default_client
    except ImportError:  # pragma: no cover - distributed ships with the dask extra
        return None
    try:
        default_client: Any = _default_client
        return default_client()
    except ValueError:
        return None


@dataclass
class DaskGapReport:
    """A lazy gap analysis: ``per_client_need`` is a Dask frame with the schema
    :data:`~referralmatch.analysis.gaps.GAP_COLUMNS`; :meth:`compute` gives a pandas
    :class:`~referralmatch.GapReport`.

    ``by_need``, ``by_area``, ``reasons`` and :meth:`summary` compute the whole report once
    (cached) and summarise it in pandas. Computing ``per_client_need`` directly skips the
    clients-whole check that :meth:`compute` makes.
    """

    per_client_need: dd.DataFrame
    by: tuple[str, ...] = ("need", "county")
    clients: dd.Series | None = None
    """Distinct client ids per partition (for the check), or None when whole by construction."""
    _keep: Any = field(default=None, repr=False)
    """The broadcast matcher's future, kept alive while the report is."""
    _order: Any = field(default=None, repr=False)
    """Client ids in caseload order (pandas input): :meth:`compute` restores that row order."""

    def compute(self, **kwargs: Any) -> GapReport:
        """Compute every partition (keyword arguments go to :func:`dask.compute`, e.g.
        ``scheduler="sync"``) and return the pandas report, rows in partition order.

        Raises :class:`~referralmatch.errors.CaseloadError` when one client's rows were found in
        more than one partition (see :func:`partition_by_client`).
        """
        if self.clients is None:
            (frame,) = _dask.compute(self.per_client_need, **kwargs)
        else:
            frame, ids = _dask.compute(self.per_client_need, self.clients, **kwargs)
            split = int(ids.duplicated().sum())
            if split:
                raise CaseloadError(
                    f"{split} client(s) have rows in more than one partition; gap analysis needs "
                    "each client whole: use referralmatch.dask.partition_by_client()",
                    ((0, "client_id", "client rows span several partitions"),),
                )
        if self._order is not None:
            rank = pd.Series(np.arange(len(self._order)), index=self._order)
            where = rank.reindex(frame["client_id"].to_numpy()).to_numpy()
            frame = frame.iloc[np.argsort(where, kind="stable")]
        return GapReport(frame.reset_index(drop=True).astype(GAP_COLUMNS), by=self.by)

    @cached_property
    def _computed(self) -> GapReport:
        return self.compute()

    @property
    def by_need(self) -> pd.DataFrame:
        """:attr:`GapReport.by_need` of the computed report (computed once)."""
        return self._computed.by_need

    @property
    def by_area(self) -> pd.DataFrame:
        """:attr:`GapReport.by_area` of the computed report (computed once)."""
        return self._computed.by_area

    @property
    def reasons(self) -> pd.DataFrame:
        """:attr:`GapReport.reasons` of the computed report (computed once)."""
        return self._computed.reasons

    def summary(self) -> str:
        """:meth:`GapReport.summary` of the computed report (computed once)."""
        return self._computed.summary()


def gap_analysis(
    caseload: dd.DataFrame | pd.DataFrame | str | Path,
    directory: Directory | Matcher | DirectoryIndex | str | Path,
    *,
    config: MatchConfig | None = None,
    at: datetime | None = None,
    by: Sequence[str] = ("need", "county"),
    npartitions: int | None = None,
) -> DaskGapReport:
    """Gap analysis of a caseload on Dask: lazily, one :func:`gap_kernel` call per partition.

    Args:
        caseload: a Dask frame of client-need rows (the schema of
            :func:`~referralmatch.read_caseload`, each client's rows in one partition), or a
            pandas frame / path, which :func:`from_pandas_caseload` splits into ``npartitions``.
        directory: a Directory, a path to one, a DirectoryIndex or a ready Matcher; the Matcher
            is built once and sent to each worker once.
        config: matching configuration (ignored when a Matcher is given).
        at: the moment of referral; default: now, fixed once here, so that every partition
            judges validity dates on the same day.
        by: columns of the per-client-need table that ``by_area`` groups by.
        npartitions: partitions for a pandas caseload (default: one per 2,000 rows); a Dask
            frame keeps its own partitions.

    Returns:
        A :class:`DaskGapReport`; nothing is computed until :meth:`DaskGapReport.compute` (or a
        summary property) is called.

    >>> import datetime
    >>> import referralmatch as rm
    >>> rows = rm.read_caseload(rm.sample_caseload_path())
    >>> lazy = gap_analysis(rows, rm.sample_directory_path(), npartitions=2,
    ...                     at=datetime.datetime(2025, 3, 4, 10))
    >>> eager = rm.gap_analysis(rows, rm.sample_directory_path(),
    ...                         at=datetime.datetime(2025, 3, 4, 10))
    >>> lazy.compute(scheduler="sync").per_client_need.equals(eager.per_client_need)
    True
    """
    clients_whole = False
    frame: Any
    order: Any = None
    if isinstance(caseload, dd.DataFrame):
        frame = caseload
        if npartitions is not None:
            raise ConfigurationError("npartitions applies to a pandas caseload only")
    else:
        rows = _client_need_frame(caseload)
        parts = npartitions if npartitions is not None else max(1, -(-len(rows) // 2_000))
        frame = from_pandas_caseload(rows, parts)
        order = pd.unique(rows["client_id"].to_numpy())
        clients_whole = True
    missing = [name for name in ("client_id", "need") if name not in frame.columns]
    if missing and not (missing == ["client_id"] and frame.index.name == "client_id"):
        raise CaseloadError(
            "a client-need frame needs client_id and need columns",
            tuple((0, name, "column is missing") for name in missing),
        )
    text = [n for n in _TUPLE_COLUMNS if n in frame.columns and frame[n].dtype != object]
    if text:
        raise ConfigurationError(
            f"columns {', '.join(text)} must hold Python tuples (object dtype), but Dask turned "
            "them into strings: build the frame with referralmatch.dask.from_pandas_caseload(), "
            'or with dask.config.set({"dataframe.convert-string": False})'
        )
    if frame.index.name == "client_id" and frame.known_divisions:
        clients_whole = True  # set_index("client_id"): each id falls in exactly one division

    matcher = _matcher(directory, config)
    moment = at if at is not None else datetime.now()
    client = _active_client()
    keep: Any = None
    if client is not None:
        keep = client.scatter(matcher, broadcast=True, hash=False)
        shared: Any = _dask.delayed(keep)
    else:
        shared = _dask.delayed(matcher, name=f"referralmatch-matcher-{uuid.uuid4().hex}")
    per_client_need = frame.map_partitions(
        _gap_partition, shared, moment, meta=empty_gap_frame(), align_dataframes=False
    )
    clients = None
    if not clients_whole:
        clients = frame.map_partitions(_partition_clients, meta=pd.Series([], dtype="string"))
    return DaskGapReport(per_client_need, by=tuple(by), clients=clients, _keep=keep, _order=order)
