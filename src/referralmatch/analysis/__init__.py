"""Caseload analysis: reading caseload tables (and, later, resource gap analysis).

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

__all__ = ["CASELOAD_COLUMNS", "CaseloadMapping", "clients_from_caseload", "read_caseload"]
