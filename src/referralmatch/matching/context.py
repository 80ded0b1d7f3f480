"""What every matching stage shares: the client context, exclusion codes and the column bundles.

Stages (candidates, filters, factors, rank, explain) import this module and never the matcher,
so they form no import circle. A :class:`ClientContext` is built once per ``match`` call and
carries the caches that are valid for that client only; a :class:`PlaceColumns` bundle holds a
need's candidate units near one place with their place-level codes and the columns the filters
read (so clients in the same ZIP code share it); :class:`UnitCodes` adds what depends on the
client's own facts.

Example:
    >>> sorted(CODE_NAMES.values())[:4]
    ['cost', 'inactive', 'ineligible', 'insurance']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from ..eligibility.evaluate import Verdict
    from ..geo import ResolvedPlace
    from ..models.client import ClientProfile
    from .filters import Verdicts

__all__ = [
    "CODE_NAMES",
    "INACTIVE",
    "INELIGIBLE",
    "LANGUAGE",
    "NO_COVERAGE",
    "NO_REMOTE",
    "OUT_OF_AREA",
    "TOO_FAR",
    "UNAFFORDABLE",
    "WEAK_FIT",
    "BoolArray",
    "ClientContext",
    "FloatArray",
    "IntArray",
    "PlaceColumns",
    "UnitCodes",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Exclusion codes: bit flags per unit (a unit passes when its code is 0).
INACTIVE, TOO_FAR, OUT_OF_AREA, NO_REMOTE, LANGUAGE, INELIGIBLE, WEAK_FIT = 1, 2, 4, 8, 16, 32, 64
NO_COVERAGE = 128  # the service needs insurance or a plan the client is known not to have
UNAFFORDABLE = 256  # private pay at market rates, and the client has a low income
CODE_NAMES = {
    INACTIVE: "inactive",
    TOO_FAR: "too_far",
    OUT_OF_AREA: "out_of_area",
    NO_REMOTE: "no_remote",
    LANGUAGE: "language",
    INELIGIBLE: "ineligible",
    WEAK_FIT: "weak_fit",
    NO_COVERAGE: "insurance",
    UNAFFORDABLE: "cost",
}
"""Exclusion code -> its name in an :class:`~referralmatch.models.results.Exclusion` (an
ineligible one is reported by its unmet rule kinds, a coverage one as ``insurance``)."""



@dataclass
class ClientContext:
    """One client, resolved once per match: place, reach, language and insurance bits,
    availability, populations, and the per-client caches the filters fill.

    ``eligibility_client`` is the profile eligibility rules are judged on: the client's own,
    with the situations that other fields settle added (``veteran=True``, a dependant, ASL,
    an age of 60 or more) and, from 50, not pregnant unless said. ``at`` is the moment of
    referral (None: schedules are judged by their weekly hours only); ``weights`` are the factor
weights for this client (see :meth:`MatchConfig.weights`); ``warnings`` say what of
    the client's place could not be read, ``location_unresolved`` that a location was given
    and could not be resolved."""

    client: ClientProfile
    eligibility_client: ClientProfile
    place: ResolvedPlace | None
    max_km: float
    lang_mask: int
    related_mask: int
    has_languages: bool
    languages: frozenset[str]
    insurance: int
    uninsured: bool
    blocked_plans: npt.NDArray[np.int16]
    avail: npt.NDArray[np.uint64] | None
    has: frozenset[str]
    not_has: frozenset[str]
    has_mask: int
    not_mask: int
    peer_mask: int
    """The populations the client has for a peer-group need (see
    :func:`~referralmatch.matching.factors.population.peer_populations`)."""
    broad_mask: int
    """The populations a match on which alone is a broad one for this client (see
    :func:`~referralmatch.matching.factors.population.broad_populations`)."""
    on: date
    weights: Mapping[str, float]
    at: datetime | None = None
    warnings: tuple[str, ...] = ()
    location_unresolved: bool = False
    low_income: bool = False
    """The client is low-income (see :func:`~.factors.access.low_income_client`)."""
    verdicts: dict[int, Verdicts] = field(default_factory=dict)
    coverage: dict[int, bool | None] = field(default_factory=dict)
    facts: dict[frozenset[str], dict[int, Verdicts]] = field(default_factory=dict)
    rule_verdicts: dict[int, Verdict] = field(default_factory=dict)  # by distinct rule number
    rule_facts: dict[str, dict[int, Verdict]] = field(default_factory=dict)  # by rule kind
    rule_status: npt.NDArray[np.int8] | None = None
    rule_certainty: FloatArray | None = None
    area_status: npt.NDArray[np.int8] | None = None


@dataclass(frozen=True)
class PlaceColumns:
    """A need's candidate units near one place and the columns scoring reads, gathered once.

    ``fit`` is the need relevance of each unit (0-1), ``codes`` the exclusion codes that do not
    depend on the client's own facts (inactive, weak fit, out of area, remote refused),
    ``distance`` kilometres from the place (NaN when remote or unknown), ``in_area`` whether a
    unit placed only approximately (a ZIP or city centroid) belongs to a service whose area
    covers the place, so its distance does not rule it out. The service columns
    scoring reads are gathered by the matcher for the units that pass only.
    """

    units: IntArray
    fit: FloatArray
    evidence: npt.NDArray[np.uint8]
    services: IntArray
    codes: IntArray
    distance: FloatArray
    in_area: BoolArray
    virtual: BoolArray
    rule_sets: npt.NDArray[np.int32]
    insurance_required: BoolArray
    plan_only: npt.NDArray[np.int16]
    present_rules: IntArray
    programme: npt.NDArray[np.int32] | None = None
    """Per unit, the set (into ``DirectoryIndex.programme_sets``) of the numbered programmes that
    are its only evidence for the need (-1 none; None: no unit has one)."""


@dataclass
class UnitCodes:
    """Exclusion codes of units for one client (place codes plus eligibility, travel limit and
    required language), with the eligibility certainty of every rule set (``certainty_of``,
    indexed by rule set) and the language factor of each unit."""

    units: IntArray
    services: IntArray
    codes: IntArray
    distance: FloatArray
    virtual: BoolArray
    rule_sets: npt.NDArray[np.int32]
    certainty_of: FloatArray
    language: FloatArray | None  # per unit when required language can exclude, else None
