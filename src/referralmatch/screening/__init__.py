"""Screening instruments that turn standard screening answers into a client's needs.

``ahc_hrsn`` (CMS AHC health-related social needs), ``phq9``, ``phq2``, ``gad7``, ``audit_c``
and ``dast10`` each return a :class:`ScreeningResult`; ``needs_from_screenings`` merges the
needs of several results into one ordered, de-duplicated list.

Example:
    >>> from referralmatch import screening
    >>> r = screening.phq2({"item1": 2, "item2": 2})
    >>> [n.category for n in screening.needs_from_screenings(r)]
    ['therapy']
"""

from __future__ import annotations

from referralmatch.screening.ahc_hrsn import ahc_hrsn
from referralmatch.screening.instruments import audit_c, dast10, gad7, phq2, phq9
from referralmatch.screening.merge import merge_needs, needs_from_screenings
from referralmatch.screening.result import ScreeningResult

__all__ = [
    "ScreeningResult",
    "ahc_hrsn",
    "audit_c",
    "dast10",
    "gad7",
    "merge_needs",
    "needs_from_screenings",
    "phq2",
    "phq9",
]
