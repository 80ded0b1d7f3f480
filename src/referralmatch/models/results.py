"""Match results: ranked matches with the factors behind each score, and exclusions with reasons.

Example:
    >>> f = Factor(name="distance", value=0.5, weight=0.2, detail="12.5 km away")
    >>> f.contribution
    0.1
    >>> m = Match(need="housing", service_id="s1", service_name="Harbor Shelter", score=0.8,
    ...           rank=1, distance_km=12.5, factors=(f,))
    >>> print(m.explain())
    1. Harbor Shelter — score 0.80 for housing
       12.5 km away
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .need import Provenance

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EligibilityNote",
    "Exclusion",
    "Factor",
    "Fallback",
    "Match",
    "MatchResult",
    "NeedResult",
]

BUILT_IN_NOTE = "built-in national line, not from the directory"
"""How every fallback is labelled wherever it shows."""

Reach = Literal["in_person", "remote", "phone", "outreach", "confidential"]
"""How a matched unit is reached: a site to visit, video/online, a phone or text line, a team
that comes to the client, a confidential site reached through its hotline."""


class Factor(BaseModel):
    """One named score factor: its value in [0, 1], its normalised weight, and a readable detail."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    value: float = Field(ge=0.0, le=1.0)
    weight: float = Field(ge=0.0)
    detail: str = ""

    @property
    def contribution(self) -> float:
        """``value * weight``: this factor's share of the score."""
        return round(self.value * self.weight, 6)


class EligibilityNote(BaseModel):
    """A service's eligibility rule judged against the client: met, unmet or unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    status: Literal["met", "unmet", "unknown"]
    reason: str


class Match(BaseModel):
    """One ranked service for one need, with where it is and why it ranks where it does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    need: str
    service_id: str
    service_name: str
    organization_name: str | None = None
    location_id: str | None = None
    location_name: str | None = None
    distance_km: float | None = None
    virtual: bool = False
    score: float
    rank: int
    factors: tuple[Factor, ...] = ()
    eligibility: tuple[EligibilityNote, ...] = ()
    schedule: str | None = None
    phone: str | None = None
    sensitive: bool = False
    provenance: tuple[Provenance, ...] = ()
    reached_by: Reach = "in_person"
    inactive: bool = False
    open_now: bool | None = None
    next_open: datetime | None = None
    weak_fit: bool = False
    """The service fits the need only weakly (its need relevance is below
    :attr:`~referralmatch.MatchConfig.strong_need_fit`): it mentions the need but is not mainly
    about it. Where nothing better is in reach, a list of weak fits says so."""

    def factor(self, name: str) -> Factor:
        """The factor called ``name``."""
        for factor in self.factors:
            if factor.name == name:
                return factor
        raise KeyError(name)

    def explain(self) -> str:
        """A few readable lines: what, how well, where, when, and eligibility met/unknown."""
        org = f" ({self.organization_name})" if self.organization_name else ""
        lines = [f"{self.rank}. {self.service_name}{org} — score {self.score:.2f} for {self.need}"]
        if self.inactive:
            lines[0] += " [INACTIVE: included on request]"
        if self.weak_fit:
            lines[0] += " [weak fit]"
        details = [f.detail for f in self.factors if f.detail]
        lines.extend(f"   {d}" for d in details)
        if self.eligibility:
            judged = "; ".join(n.reason for n in self.eligibility)
            lines.append(f"   eligibility: {judged}")
        said = any("open now" in f.detail or "closed now" in f.detail for f in self.factors)
        if self.open_now is not None and not said:
            when = "open now" if self.open_now else "closed now"
            if not self.open_now:
                when += (
                    f"; opens {self.next_open:%a %d %b %H:%M}"
                    if self.next_open is not None
                    else "; does not open in the next 14 days"
                )
            lines.append(f"   {when}")
        if self.provenance:
            lines.append("   why referred: " + "; ".join(p.describe() for p in self.provenance))
        return "\n".join(lines)


class Exclusion(BaseModel):
    """A service that fits a need but was ruled out, and every reason why.

    ``codes`` are stable machine-readable reasons (``age``, ``gender``, ``income``, ``veteran``,
    ``residency``, ``too_far``, ``out_of_area``, ``inactive``, ``language``, ...).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    need: str
    service_id: str
    service_name: str
    codes: tuple[str, ...]
    reasons: tuple[str, ...]


class Fallback(BaseModel):
    """A national line built into the library (not from the directory) for a crisis or safety
    need: 988, 911, the National Domestic Violence Hotline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str
    contact: str
    detail: str = ""
    source: Literal["built-in"] = "built-in"

    def explain(self) -> str:
        """One line: the name, how to reach it, and that it is built in.

        >>> print(Fallback(key="988", name="988 Suicide & Crisis Lifeline",
        ...                contact="call or text 988").explain())
        * 988 Suicide & Crisis Lifeline — call or text 988 [built-in national line, not from the directory]
        """
        detail = f" ({self.detail})" if self.detail else ""
        return f"* {self.name} — {self.contact}{detail} [{BUILT_IN_NOTE}]"


class NeedResult(BaseModel):
    """Matches and exclusions for one need."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    need: str
    label: str
    priority: int
    urgency: str
    sensitive: bool = False
    categories: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    candidates: int = Field(default=0, description="services in the directory that fit the need")
    eligible: int = Field(default=0, description="of those, services eligible and within reach")
    gravity_code: str | None = None
    provenance: tuple[Provenance, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()
    fallback_note: str | None = None


class MatchResult:
    """The result of ``Matcher.match(client)``: per need a ranked list, plus every exclusion.

    ``excluded`` is built on first access (a large directory can exclude thousands of services
    for one need, and most callers never look).
    """

    def __init__(
        self,
        client_id: str,
        needs: list[NeedResult],
        excluded: Callable[[], list[Exclusion]],
        *,
        consent_to_share_sensitive: bool = False,
        warnings: tuple[str, ...] = (),
        at: datetime | None = None,
    ) -> None:
        self.client_id = client_id
        self.needs = needs
        self.warnings = tuple(warnings)
        self.at = at
        self._excluded_factory = excluded
        self._excluded: list[Exclusion] | None = None
        self.consent_to_share_sensitive = consent_to_share_sensitive

    def __repr__(self) -> str:
        # The client id is often a medical record number: never shown (it stays in .client_id).
        return f"MatchResult(needs={len(self.needs)}, matches={len(self.matches)})"

    @property
    def matches(self) -> list[Match]:
        """Every match, need by need in priority order, each need's matches by rank."""
        return [m for need in self.needs for m in need.matches]

    @property
    def by_need(self) -> dict[str, list[Match]]:
        """Need -> its ranked matches."""
        return {need.need: list(need.matches) for need in self.needs}

    @property
    def excluded(self) -> list[Exclusion]:
        """Services that fit a need but were ruled out, with reasons."""
        if self._excluded is None:
            self._excluded = self._excluded_factory()
        return self._excluded

    def exclusion_counts(self) -> dict[str, int]:
        """How many exclusions carry each reason code."""
        counts: dict[str, int] = {}
        for exclusion in self.excluded:
            for code in exclusion.codes:
                counts[code] = counts.get(code, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def __iter__(self) -> Iterator[Match]:
        return iter(self.matches)

    def explain(self) -> str:
        """Every need's ranked matches as readable text."""
        blocks = [f"warning: {w}" for w in self.warnings]
        if self.at is not None:
            blocks.append(f"judged at {self.at:%a %d %b %Y %H:%M}")
        for need in self.needs:
            head = f"{need.label} (priority {need.priority}, {need.urgency})"
            body = "\n".join(m.explain() for m in need.matches) or "   no matching service"
            if need.fallbacks:
                body += f"\n   {need.fallback_note or BUILT_IN_NOTE}:"
                body += "".join(f"\n   {f.explain()}" for f in need.fallbacks)
            blocks.append(f"{head}\n{body}")
        return "\n\n".join(blocks)

    def to_frame(self) -> pd.DataFrame:
        """One row per match: need, rank, service, location, distance_km, score and each factor,
        then whether it is open at the moment of referral (``open_now``, ``next_open``; NA
        without one), ``inactive``, ``reached_by`` and ``source``: ``"directory"``, or
        ``"built-in"`` for a national fallback line (listed after the need's matches, ranked
        on from them, ``service_id`` ``"built-in:<key>"``, no score); then ``sensitive`` (drop
        these rows before sharing without consent, see the privacy page), ``phone`` and
        ``hours`` (opening hours as text; the ``schedule`` column is the schedule factor)."""
        import pandas as pd

        from ..matching.config import FACTORS

        columns = [
            "need",
            "rank",
            "service_id",
            "service_name",
            "organization_name",
            "location_id",
            "distance_km",
            "virtual",
            "score",
            *FACTORS,
            "open_now",
            "next_open",
            "inactive",
            "reached_by",
            "source",
            "sensitive",
            "phone",
            "hours",
        ]
        rows = []
        for need in self.needs:
            for m in need.matches:
                values = {f.name: f.value for f in m.factors}
                rows.append(
                    [
                        m.need,
                        m.rank,
                        m.service_id,
                        m.service_name,
                        m.organization_name,
                        m.location_id,
                        m.distance_km,
                        m.virtual,
                        m.score,
                        *(values.get(f) for f in FACTORS),
                        m.open_now,
                        m.next_open,
                        m.inactive,
                        m.reached_by,
                        "directory",
                        m.sensitive,
                        m.phone,
                        m.schedule,
                    ]
                )
            for k, f in enumerate(need.fallbacks, start=len(need.matches) + 1):
                rows.append(
                    [need.need, k, f"built-in:{f.key}", f.name, None, None, None, True,
                     float("nan"), *(None for _ in FACTORS), None, None, False, "phone",
                     "built-in", need.sensitive, f.contact, None]
                )  # fmt: skip
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype(
            {"rank": "int64", "distance_km": "float64", "score": "float64",
             "open_now": "boolean", "next_open": "object", "inactive": "bool",
             "reached_by": "string", "source": "string", "sensitive": "bool",
             "phone": "string", "hours": "string"}
        )  # fmt: skip

    def to_fhir(
        self, patient_reference: str, *, include_sensitive: bool = False
    ) -> list[dict[str, Any]]:
        """Draft FHIR R4 ServiceRequests, one per match; see :mod:`referralmatch.interop.fhir`.

        Sensitive needs are left out unless the client consented and ``include_sensitive``.
        """
        from ..interop.fhir import service_requests

        return service_requests(self, patient_reference, include_sensitive=include_sensitive)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the needs, matches (with factors) and exclusions."""
        return {
            "client_id": self.client_id,
            "at": None if self.at is None else self.at.isoformat(),
            "warnings": list(self.warnings),
            "needs": [n.model_dump(mode="json") for n in self.needs],
            "excluded": [e.model_dump(mode="json") for e in self.excluded],
        }
