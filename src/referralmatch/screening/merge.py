"""Merging needs from several screenings into one de-duplicated, ordered list.

Example:
    >>> from referralmatch.models.need import Need
    >>> [(n.category, n.priority, n.urgency) for n in merge_needs(
    ...     [Need("food", priority=3), Need("crisis", priority=1, urgency="immediate"),
    ...      Need("food", priority=2, urgency="soon")])]
    [('crisis', 1, 'immediate'), ('food', 2, 'soon')]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from referralmatch.models.need import Need, Provenance, Urgency

if TYPE_CHECKING:
    from referralmatch.screening.result import ScreeningResult

__all__ = ["URGENCY_RANK", "merge_needs", "need_sort_key", "needs_from_screenings"]

#: Urgency order, most urgent first (0 ranks first).
URGENCY_RANK: dict[Urgency, int] = {"immediate": 0, "urgent": 1, "soon": 2, "routine": 3}


def need_sort_key(need: Need) -> tuple[int, int, str]:
    """The order needs are worked in: urgency (immediate first), priority (1 first), category.

    >>> need_sort_key(Need("housing", priority=2, urgency="urgent"))
    (1, 2, 'housing')
    """
    return (URGENCY_RANK[need.urgency], need.priority, need.category)


def _combine(group: list[Need]) -> Need:
    lead = min(group, key=need_sort_key)
    urgency = min((n.urgency for n in group), key=URGENCY_RANK.__getitem__)
    priority = min(n.priority for n in group)
    details: list[str] = []
    provenance: list[Provenance] = []
    for need in sorted(group, key=need_sort_key):
        if need.detail and need.detail not in details:
            details.append(need.detail)
        for prov in need.provenance:
            if prov not in provenance:
                provenance.append(prov)
    return Need(
        lead.category,
        priority=priority,
        urgency=urgency,
        detail="; ".join(details) or None,
        provenance=tuple(provenance),
    )


def merge_needs(needs: Iterable[Need]) -> list[Need]:
    """One need per category: the highest priority (lowest number), the most urgent urgency,
    every distinct detail (most pressing first) and the union of provenance; sorted by
    :func:`need_sort_key`.

    >>> [n.category for n in merge_needs([Need("therapy"), Need("housing", priority=1)])]
    ['housing', 'therapy']
    """
    groups: dict[str, list[Need]] = {}
    for need in needs:
        groups.setdefault(need.category, []).append(need)
    merged = [group[0] if len(group) == 1 else _combine(group) for group in groups.values()]
    return sorted(merged, key=need_sort_key)


def needs_from_screenings(*results: ScreeningResult) -> list[Need]:
    """Merge the needs of several screening results (see :func:`merge_needs`).

    An immediate need (a positive PHQ-9 item 9 raises ``crisis``) always comes first.

    >>> from referralmatch.screening import phq9, gad7
    >>> needs = needs_from_screenings(
    ...     gad7({f"item{i}": 2 for i in range(1, 8)}),
    ...     phq9({f"item{i}": 1 for i in range(1, 10)}))
    >>> [(n.category, n.priority, n.urgency) for n in needs]
    [('crisis', 1, 'immediate'), ('therapy', 3, 'routine')]
    >>> [p.instrument for p in needs[1].provenance]
    ['GAD-7']
    """
    return merge_needs(need for result in results for need in result.needs)
