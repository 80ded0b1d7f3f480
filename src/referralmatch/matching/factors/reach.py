"""Reach: the distance factor (kilometres in, 0-1 out), vectorised, with its scalar twin.

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

from ..context import BoolArray, FloatArray

__all__ = ["distance_factor", "distance_one"]


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
