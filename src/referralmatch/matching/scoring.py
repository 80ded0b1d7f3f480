"""Score-factor kernels: numpy arrays in, factor values in [0, 1] out, with scalar twins.

Each ``*_factor`` kernel takes arrays over candidate units; the ``*_one`` twin computes the same
value for one service with plain Python, readable as the definition. Tests check they agree.

Example:
    >>> import numpy as np
    >>> distance_factor(np.array([0.0, 5.0, 30.0, np.nan]), np.array([False] * 4), 20.0,
    ...                 virtual_score=0.8, unknown_score=0.3).tolist()
    [1.0, 0.75, 0.0, 0.3]
    >>> distance_one(5.0, False, 20.0, virtual_score=0.8, unknown_score=0.3)
    0.75
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .facts import Capacity

__all__ = [
    "CAPACITY_CODES",
    "CAPACITY_SCORES",
    "capacity_one",
    "cost_factor",
    "cost_one",
    "distance_factor",
    "distance_one",
    "language_factor",
    "language_one",
    "top_k",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CAPACITY_CODES: dict[Capacity, int] = {"accepting": 0, "unknown": 1, "waitlist": 2, "full": 3}
CAPACITY_SCORES = np.array([1.0, 0.7, 0.4, 0.1])
"""Capacity factor by code: accepting, unknown, waitlist, full."""


def distance_one(
    distance_km: float | None,
    virtual: bool,
    max_km: float,
    *,
    virtual_score: float,
    unknown_score: float,
) -> float:
    """Distance factor of one unit: 1 at the door, falling linearly to 0 at ``max_km``.

    A virtual unit scores ``virtual_score``; an unknown distance scores ``unknown_score``.
    """
    if virtual:
        return virtual_score
    if distance_km is None or math.isnan(distance_km):
        return unknown_score
    return max(0.0, 1.0 - distance_km / max_km)


def distance_factor(
    distance_km: FloatArray,
    virtual: BoolArray,
    max_km: float,
    *,
    virtual_score: float,
    unknown_score: float,
) -> FloatArray:
    """Vectorised :func:`distance_one`."""
    out = np.clip(1.0 - distance_km / max_km, 0.0, 1.0)
    out = np.where(np.isnan(distance_km), unknown_score, out)
    return np.where(virtual, virtual_score, out)


def language_one(
    service_languages: frozenset[str], interpretation: bool, client_languages: frozenset[str]
) -> float:
    """Language factor: 1 if the service speaks a client language (a service listing none is taken
    to work in English), 0.7 if it offers interpretation, else 0; 1 when the client gave none."""
    if not client_languages:
        return 1.0
    spoken = service_languages or frozenset({"en"})
    if spoken & client_languages:
        return 1.0
    return 0.7 if interpretation else 0.0


def language_factor(
    service_masks: npt.NDArray[np.uint64],
    interpretation: BoolArray,
    client_mask: int,
    client_has_languages: bool,
) -> FloatArray:
    """Vectorised :func:`language_one` over language bit masks (the index assigns the bits;
    a service listing no language has the English bit set). ``client_mask`` is 0 when no service
    lists any of the client's languages; ``client_has_languages`` says whether the client gave any."""
    if not client_has_languages:
        return np.ones(len(service_masks))
    spoken = (service_masks & np.uint64(client_mask)) != 0
    return np.where(spoken, 1.0, np.where(interpretation, 0.7, 0.0))


def cost_one(
    free: bool,
    sliding: bool,
    fee_known: bool,
    insurance: frozenset[str],
    client_insurance: frozenset[str],
) -> float:
    """Cost factor: free 1.0; accepts the client's insurance 0.9; sliding scale 0.8; fees unknown
    0.5; otherwise 0.3."""
    if free:
        return 1.0
    if insurance & client_insurance:
        return 0.9
    if sliding:
        return 0.8
    return 0.3 if fee_known else 0.5


def cost_factor(
    free: BoolArray,
    sliding: BoolArray,
    fee_known: BoolArray,
    insurance_bits: npt.NDArray[np.uint8],
    client_bits: int,
) -> FloatArray:
    """Vectorised :func:`cost_one` over insurance bit masks."""
    accepted = (insurance_bits & np.uint8(client_bits)) != 0
    out = np.where(fee_known, 0.3, 0.5)
    out = np.where(sliding, 0.8, out)
    out = np.where(accepted, 0.9, out)
    return np.where(free, 1.0, out)


def capacity_one(capacity: Capacity) -> float:
    """Capacity factor: accepting 1.0, unknown 0.7, waitlist 0.4, full 0.1."""
    return float(CAPACITY_SCORES[CAPACITY_CODES[capacity]])


def top_k(
    score: FloatArray,
    distance_km: FloatArray,
    id_rank: npt.NDArray[np.int64],
    group: npt.NDArray[np.int64],
    k: int,
) -> npt.NDArray[np.int64]:
    """Positions of the best unit of each of the ``k`` best groups (services).

    Order: score descending, then distance ascending (unknown last), then service id. Scores
    are compared rounded to 1e-9 so that float noise cannot reorder ties. Only the units that
    can reach the top are sorted (a partial partition first), so the cost is linear.

    >>> top_k(np.array([0.5, 0.9, 0.9, 0.7]), np.array([1.0, 3.0, 2.0, np.nan]),
    ...       np.array([0, 1, 2, 3]), np.array([0, 1, 2, 3]), 2).tolist()
    [2, 1]
    """
    n = len(score)
    if n == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    rounded = np.round(score, 9)
    take = min(n, 4 * k)
    while True:
        if take < n:
            threshold = np.partition(rounded, n - take)[n - take]
            chosen = np.flatnonzero(rounded >= threshold)  # ties at the threshold all come along
        else:
            chosen = np.arange(n)
        dist = distance_km[chosen]
        dist = np.where(np.isnan(dist), np.inf, dist)
        order = chosen[np.lexsort((id_rank[chosen], dist, -rounded[chosen]))]
        best: list[int] = []
        seen: set[int] = set()
        for position in order.tolist():
            g = int(group[position])
            if g not in seen:
                seen.add(g)
                best.append(position)
                if len(best) == k:
                    return np.array(best, dtype=np.int64)
        if len(chosen) >= n:
            return np.array(best, dtype=np.int64)
        take = min(n, take * 4)
