"""ScreeningResult: what one screening instrument found, and the needs it raised.

A result keeps the total score and band (where the instrument has them), per-domain sub-scores,
which domains screened positive or negative, the items left unknown, and the needs, each citing
its instrument, item LOINC codes and answer codes.

Example:
    >>> from referralmatch.models.need import Need, Provenance
    >>> p = Provenance(instrument="PHQ-2", items=("44250-9",), answers=("LA6571-9",))
    >>> r = ScreeningResult(instrument="PHQ-2", score=3, band="positive",
    ...                     positive_domains=("depression",),
    ...                     needs=(Need("therapy", priority=3, urgency="soon", provenance=(p,)),))
    >>> r.explain()[0]
    'PHQ-2: score 3 (positive); positive: depression'
    >>> r
    ScreeningResult('PHQ-2', needs=1, complete=True)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from referralmatch.models.need import Need

__all__ = ["ScreeningResult"]


class ScreeningResult(BaseModel):
    """The outcome of one screening instrument.

    - ``instrument``: e.g. ``"PHQ-9"`` or ``"AHC HRSN"``.
    - ``score``: the total score in the instrument's own points, ``None`` when the instrument has
      no total (AHC HRSN) or when items needed for it were not answered.
    - ``band``: the severity band of ``score`` (``"moderate"``, ``"positive"``, ...) or ``None``.
    - ``scores``: sub-scores by domain key (e.g. ``interpersonal_safety`` points,
      ``physical_activity`` minutes a week); only those that could be computed.
    - ``positive_domains`` / ``negative_domains``: domains decided positive or negative.
    - ``needs``: one need per category, most pressing first, each with provenance.
    - ``unanswered``: item keys left unknown (missing with ``partial=True``, declined, or missing
      beside an urgent finding that was returned rather than hidden by an error).

    The repr shows only the instrument and counts: scores are health information.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str = Field(min_length=1)
    score: int | None = None
    band: str | None = None
    scores: dict[str, int] = Field(default_factory=dict)
    positive_domains: tuple[str, ...] = ()
    negative_domains: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when no item the result depends on was left unknown."""
        return not self.unanswered

    @property
    def positive(self) -> bool:
        """True when any domain screened positive."""
        return bool(self.positive_domains)

    def explain(self) -> list[str]:
        """Readable lines: the score and band, the domains, then one line per need with its reasons.

        Unlike ``repr``, these lines show the client's scores and answer codes: show them only
        to someone entitled to see the screening.
        """
        parts: list[str] = []
        if self.score is not None:
            parts.append(f"score {self.score}" + (f" ({self.band})" if self.band else ""))
        elif self.band:
            parts.append(self.band)
        if self.positive_domains:
            parts.append("positive: " + ", ".join(self.positive_domains))
        else:
            parts.append("no positive domain")
        lines = [f"{self.instrument}: " + "; ".join(parts)]
        if self.scores:
            lines.append(
                "sub-scores: " + ", ".join(f"{k} {v}" for k, v in sorted(self.scores.items()))
            )
        if self.negative_domains:
            lines.append("negative: " + ", ".join(self.negative_domains))
        for need in self.needs:
            why = "; ".join(p.describe() for p in need.provenance)
            detail = f" - {need.detail}" if need.detail else ""
            lines.append(
                f"need {need.category} (priority {need.priority}, {need.urgency}){detail}: {why}"
            )
        if self.unanswered:
            lines.append("unanswered: " + ", ".join(self.unanswered))
        return lines

    def __repr__(self) -> str:
        return (
            f"ScreeningResult({self.instrument!r}, needs={len(self.needs)}, "
            f"complete={self.complete})"
        )

    __str__ = __repr__
