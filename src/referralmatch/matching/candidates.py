"""Candidates: which categories a need is matched against, and the member units of those
categories near a place (the geographic block of the columnar index), with their relevance.

Example:
    >>> from referralmatch.synth import synthetic_directory
    >>> from referralmatch.matching.index import DirectoryIndex
    >>> from referralmatch.models.need import Need
    >>> index = DirectoryIndex.build(synthetic_directory(200, seed=3))
    >>> need_categories(Need("housing"), index.categories)
    [('housing', 1.0)]
    >>> units, fit, evidence, programme = candidates(index, None, [("housing", 1.0)])
    >>> len(units) == len(fit) == len(evidence) == len(programme) > 0
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .context import FloatArray, IntArray

if TYPE_CHECKING:
    from ..geo import ResolvedPlace
    from ..models.need import Need
    from ..needs.categories import NeedCategories
    from .index import DirectoryIndex

__all__ = ["candidates", "need_categories"]


_URGENT = ("urgent", "immediate")


def need_categories(
    need: Need, categories: NeedCategories, situations: Iterable[str] = ()
) -> list[tuple[str, float]]:
    """The categories a need is matched against, each with a weight in (0, 1]: the category
    itself (with, for an urgent or immediate need, the children that meet it in full: a bed
    tonight for urgent housing; and the children that meet it in full for a client in one of
    ``situations``: home-delivered meals for a senior's food need), or for free text the best
    categories (those within 75 % of the best score)."""
    if not need.is_free_text and need.category in categories:
        urgent = categories.urgent_children(need.category) if need.urgency in _URGENT else ()
        situational = categories.situation_children(need.category, situations)
        extra = dict.fromkeys((*urgent, *situational))
        return [(need.category, 1.0), *((child, 1.0) for child in extra)]
    from ..needs.classify import match_need_text

    ranked = match_need_text(need.category, categories, limit=3)
    if not ranked:
        return []
    best = ranked[0][1]
    return [(key, score) for key, score in ranked if score >= 0.75 * best]


def candidates(
    index: DirectoryIndex,
    place: ResolvedPlace | None,
    cats: list[tuple[str, float]],
    radius_km: float = 0.0,
) -> tuple[IntArray, FloatArray, npt.NDArray[np.uint8], npt.NDArray[np.int32]]:
    """Member units of the categories, their relevance (times the category weight), evidence
    code and programme set (:attr:`.index.CategoryMembers.programme`, -1 for none). With
    a place, only units in grid cells within ``radius_km`` (and units without coordinates); a
    unit in several categories keeps its best relevance (the first category's on a tie)."""
    parts_u, parts_f, parts_e, parts_p = [], [], [], []
    for key, weight in cats:
        member = index.members.get(key)
        if member is None:
            continue
        pos = (
            member.near(place.latitude, place.longitude, radius_km)
            if place is not None
            else np.arange(len(member.units))
        )
        parts_u.append(member.units[pos].astype(np.int64))
        parts_f.append(member.confidence[pos].astype(np.float64) * weight)
        parts_e.append(member.evidence[pos])
        parts_p.append(
            member.programme[pos] if member.programme is not None else np.full(len(pos), -1, np.int32)
        )
    if sum(len(u) for u in parts_u) == 0:  # no category has a unit near the place
        return np.empty(0, np.int64), np.empty(0), np.empty(0, np.uint8), np.empty(0, np.int32)
    if len(parts_u) == 1:
        return parts_u[0], parts_f[0], parts_e[0], parts_p[0]
    units = np.concatenate(parts_u)
    fit = np.concatenate(parts_f)
    evidence = np.concatenate(parts_e)
    programme = np.concatenate(parts_p)
    order = np.lexsort((-fit, units))
    units, fit, evidence, programme = units[order], fit[order], evidence[order], programme[order]
    keep = np.r_[True, units[1:] != units[:-1]]
    return units[keep], fit[keep], evidence[keep], programme[keep]
