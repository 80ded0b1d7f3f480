"""Caseload analysis: reading caseload tables and resource gap analysis (pandas; Dask optional).

Example:
    >>> from referralmatch.analysis import CASELOAD_COLUMNS
    >>> CASELOAD_COLUMNS["need_priority"]
    'Int64'
"""

from referralmatch.analysis.caseload import (
    CASELOAD_COLUMNS,
    CaseloadMapping,
    clients_from_caseload,
    read_caseload,
)
from referralmatch.analysis.gaps import GAP_COLUMNS, REASONS, GapReport, gap_analysis, gap_kernel

__all__ = [
    "CASELOAD_COLUMNS",
    "GAP_COLUMNS",
    "REASONS",
    "CaseloadMapping",
    "GapReport",
    "clients_from_caseload",
    "gap_analysis",
    "gap_kernel",
    "read_caseload",
]
