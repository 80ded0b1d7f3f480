"""Ranking: the weighted score of named factors and the deterministic top k.

Example:
    >>> import numpy as np
    >>> weighted_score({"a": np.array([1.0, 0.0]), "b": np.array([0.5, 1.0])}, {"a": 0.5, "b": 0.5}).tolist()
    [0.75, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from .context import FloatArray

__all__ = ["top_k", "weighted_score"]


def weighted_score(factors: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    """Sum of ``weights[name] * factors[name]`` (weights sum to 1), rounded to 1e-6."""
    score: FloatArray | None = None
    for name, w in weights.items():
        part = w * factors[name]
        score = part if score is None else score + part
    assert score is not None
    return np.round(score, 6)


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
