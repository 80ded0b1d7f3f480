"""What a service offers, read once from its records: languages, cost, insurance, capacity, mode.

These facts are what the score factors are computed from. The columnar index packs them into
arrays; the slow reference matcher in the tests reads them one service at a time. Both call
:func:`service_facts`, so they agree on what a service offers by construction.

Example:
    >>> from referralmatch.models import Service, CostOption, Language
    >>> s = Service(id="s1", name="Counseling", fees_description="Sliding scale; Medi-Cal accepted",
    ...             languages=[Language(id="l", code="es")], wait_time="Waitlist about 3 weeks")
    >>> f = service_facts(s)
    >>> sorted(f.languages), f.sliding_scale, sorted(f.insurance), f.capacity
    (['es'], True, ['medicaid'], 'waitlist')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..models.client import normalize_insurance
from ..models.directory import Location, Service

__all__ = ["INSURANCE_KINDS", "Capacity", "ServiceFacts", "insurance_kinds", "service_facts"]

Capacity = Literal["accepting", "waitlist", "full", "unknown"]
INSURANCE_KINDS = ("medicaid", "medicare", "private")

_INSURANCE = {
    "medicaid": re.compile(
        r"\b(medicaid|medi-?cal|masshealth|apple health|tenncare|soonercare)\b", re.I
    ),
    "medicare": re.compile(r"\bmedicare\b", re.I),
    "private": re.compile(
        r"\b(private insurance|most insurance|commercial insurance|insurance accepted|accepts? (most )?insurance)\b",
        re.I,
    ),
}
_FREE = re.compile(r"\b(free|no cost|no charge|no fee|at no cost|free of charge)\b", re.I)
_NOT_FREE = re.compile(r"\b(not free|fee[- ]free days)\b", re.I)
_SLIDING = re.compile(r"\bsliding[- ]?(fee|scale)\b|\bbased on (income|ability to pay)\b", re.I)
_WAITLIST = re.compile(r"\bwait(ing)?[- ]?list\b|\bwaitlist\b|\bweeks? wait\b", re.I)
_FULL = re.compile(r"\b(not accepting|no openings|at capacity|full)\b", re.I)
_ACCEPTING = re.compile(
    r"\b(accepting new|openings available|no wait|walk-?ins? welcome|same[- ]day)\b", re.I
)
_VIRTUAL = re.compile(
    r"\b(telehealth|telemedicine|virtual|online|video|by phone|phone-based|hotline|helpline|crisis line|text line|warmline)\b",
    re.I,
)


def insurance_kinds(values: Iterable[str]) -> frozenset[str]:
    """The :data:`INSURANCE_KINDS` among insurance names, read as ``ClientProfile`` reads them.

    >>> sorted(insurance_kinds(["Medi-Cal", "PRIVATE", "uninsured"]))
    ['medicaid', 'private']
    """
    return frozenset(k for k in map(normalize_insurance, values) if k in INSURANCE_KINDS)


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What one service offers. ``virtual`` means it can be used remotely (phone, video, online)."""

    languages: frozenset[str]
    interpretation: bool
    free: bool
    sliding_scale: bool
    fee_known: bool
    insurance: frozenset[str]
    capacity: Capacity
    virtual: bool


def service_facts(service: Service, locations: Iterable[Location] = ()) -> ServiceFacts:
    """Read a service's facts from its own fields, cost options, capacities and locations."""
    locations = list(locations)
    languages = {lang.code for lang in service.languages if lang.code}
    for location in locations:
        languages.update(lang.code for lang in location.languages if lang.code)
    money_text = " ".join(
        t
        for t in (
            service.fees_description,
            service.fees,
            service.eligibility_description,
            *(c.option or "" for c in service.cost_options),
            *(c.amount_description or "" for c in service.cost_options),
        )
        if t
    )
    amounts = [c.amount for c in service.cost_options if c.amount is not None]
    free = (bool(amounts) and min(amounts) == 0) or bool(
        _FREE.search(money_text) and not _NOT_FREE.search(money_text)
    )
    sliding = bool(_SLIDING.search(money_text))
    insurance = frozenset(
        kind for kind, pattern in _INSURANCE.items() if pattern.search(money_text)
    )
    capacity: Capacity = "unknown"
    if service.capacities:
        available = sum(c.available for c in service.capacities)
        capacity = "accepting" if available > 0 else "full"
    else:
        wait = " ".join(t for t in (service.wait_time, service.alert) if t)
        if _FULL.search(wait):
            capacity = "full"
        elif _WAITLIST.search(wait):
            capacity = "waitlist"
        elif _ACCEPTING.search(wait):
            capacity = "accepting"
    mode_text = " ".join(
        t for t in (service.name, service.description, service.alternate_name) if t
    )
    virtual = (
        bool(locations) and all(loc.location_type == "virtual" for loc in locations)
    ) or bool(_VIRTUAL.search(mode_text))
    return ServiceFacts(
        languages=frozenset(languages),
        interpretation=bool(service.interpretation_services),
        free=free,
        sliding_scale=sliding,
        fee_known=bool(money_text.strip()) or bool(service.cost_options),
        insurance=insurance,
        capacity=capacity,
        virtual=virtual,
    )
