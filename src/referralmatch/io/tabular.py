"""Assembling HSDS 3 tables (rows already in 3.x table and column names) into a Directory.

Every tabular format ends here: the HSDS 3 data package as it is, HSDS 1.1/2.0 packages after
:mod:`referralmatch.io.hsds11` renames their tables and columns, and any CSV/Excel/DataFrame after
:mod:`referralmatch.io.mapping` applies a column mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Table"]


@dataclass
class Table:
    """One HSDS 3 table: the file it came from and its rows as (row number, values by column).

    Row numbers are 1-based data rows of the source file, used in the load report. Values may be
    strings (from CSV) or already-typed values (from a DataFrame).
    """

    file: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
