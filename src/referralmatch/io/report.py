"""The load report: every input record counted as loaded, repaired or rejected, every problem listed.

Invariant (tested): for every record type, ``read == loaded + rejected``; ``repaired`` counts the
loaded records that needed a repair (each repair has an issue of severity ``"repair"``).

Example:
    >>> report = LoadReport(source="dir")
    >>> report.count_read("service"); report.count_loaded("service", repaired=True)
    >>> _ = report.add("repair", "service", "read time 9am as 09:00", field="opens_at", row=2)
    >>> report.counts["service"]
    Counts(read=1, loaded=1, repaired=1, rejected=0)
    >>> report.ok
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Counts", "Issue", "LoadReport", "Severity"]

Severity = Literal["error", "warning", "repair"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one input record.

    ``row`` is the 1-based data row of a CSV (the header is row 0 of the file, so row 1 is the first
    record); ``pointer`` is a JSON pointer into a JSON file. ``severity`` is ``"error"`` (record
    rejected, or a reference dangling), ``"warning"`` (kept, but something is doubtful) or
    ``"repair"`` (kept after a normalisation that changed a value).
    """

    severity: Severity
    record_type: str
    message: str
    file: str | None = None
    row: int | None = None
    pointer: str | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.row is not None:
            where += f" row {self.row}"
        if self.pointer is not None:
            where += f" {self.pointer or '/'}"
        rid = f" id={self.record_id}" if self.record_id else ""
        fld = f" field={self.field}" if self.field else ""
        return f"{self.severity}: {where}: {self.record_type}{rid}{fld}: {self.message}"


@dataclass(slots=True)
class Counts:
    """Per record type: how many were read, loaded (of which repaired) and rejected."""

    read: int = 0
    loaded: int = 0
    repaired: int = 0
    rejected: int = 0


@dataclass
class LoadReport:
    """What happened to every record of one load; see the module docstring for the invariant."""

    source: str
    format: str | None = None
    counts: dict[str, Counts] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def _counts(self, record_type: str) -> Counts:
        return self.counts.setdefault(record_type, Counts())

    def count_read(self, record_type: str, n: int = 1) -> None:
        """Count ``n`` records of ``record_type`` read from the input."""
        self._counts(record_type).read += n

    def count_loaded(self, record_type: str, *, repaired: bool = False) -> None:
        """Count one record loaded into the directory (``repaired`` if a value was changed)."""
        counts = self._counts(record_type)
        counts.loaded += 1
        counts.repaired += int(repaired)

    def count_rejected(self, record_type: str) -> None:
        """Count one record rejected (its reasons are among the issues)."""
        self._counts(record_type).rejected += 1

    def add(
        self,
        severity: Severity,
        record_type: str,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        pointer: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> Issue:
        """Record one issue and return it."""
        issue = Issue(severity, record_type, message, file, row, pointer, record_id, field)
        self.issues.append(issue)
        return issue

    @property
    def errors(self) -> list[Issue]:
        """Issues of severity ``"error"``: rejected records and dangling references."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when no record was rejected and no reference dangles."""
        return not self.errors

    @property
    def balanced(self) -> bool:
        """True when ``read == loaded + rejected`` for every record type (nothing dropped)."""
        return all(c.read == c.loaded + c.rejected for c in self.counts.values())

    def to_frame(self) -> pd.DataFrame:
        """Every issue as one row: severity, record_type, file, row, pointer, record_id, field, message."""
        import pandas as pd

        columns = [
            "severity",
            "record_type",
            "file",
            "row",
            "pointer",
            "record_id",
            "field",
            "message",
        ]
        frame = pd.DataFrame(
            [[getattr(i, c) for c in columns] for i in self.issues], columns=columns
        )
        return frame.astype({"row": "Int64"})

    def counts_frame(self) -> pd.DataFrame:
        """Counts per record type as a DataFrame indexed by record type."""
        import pandas as pd

        rows = {
            t: [c.read, c.loaded, c.repaired, c.rejected] for t, c in sorted(self.counts.items())
        }
        frame = pd.DataFrame.from_dict(
            rows, orient="index", columns=["read", "loaded", "repaired", "rejected"]
        )
        frame.index.name = "record_type"
        return frame

    def summary(self) -> str:
        """A short human-readable account of the load: counts per type and issues by severity."""
        lines = [f"Loaded {self.source}" + (f" as {self.format}" if self.format else "")]
        width = max([len(t) for t in self.counts] + [11])
        lines.append(
            f"  {'record type':<{width}}  {'read':>7} {'loaded':>7} {'repaired':>8} {'rejected':>8}"
        )
        for name, c in sorted(self.counts.items()):
            lines.append(
                f"  {name:<{width}}  {c.read:>7} {c.loaded:>7} {c.repaired:>8} {c.rejected:>8}"
            )
        by_severity: dict[str, int] = {}
        for issue in self.issues:
            by_severity[issue.severity] = by_severity.get(issue.severity, 0) + 1
        if by_severity:
            parts = ", ".join(
                f"{n} {s}{'s' if n != 1 else ''}" for s, n in sorted(by_severity.items())
            )
            lines.append(f"  issues: {parts}")
        else:
            lines.append("  issues: none")
        return "\n".join(lines)
