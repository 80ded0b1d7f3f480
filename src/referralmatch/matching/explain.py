"""Explanation: factor values and exclusion codes turned into reasons a person can read.

Scoring never builds text; the matcher calls these only for the services it returns or lists
as excluded, so the cost of words is paid for a handful of services, not every candidate.

Example:
    >>> distance_text(False, 3.24, 0)
    '3.2 km away'
    >>> distance_text(False, 3.24, 1)
    'about 3 km (ZIP centroid; the service has no map point)'
    >>> need_fit_text("Food", 0.93, 1)
    'fits Food (relevance 0.93, from its taxonomy code)'
    >>> exclusion_reasons(TOO_FAR, distance_km=31.0, max_km=25.0, need_label="Food", fit=0.9,
    ...                   min_fit=0.4)
    (('too_far',), ('nearest site 31.0 km away, beyond 25 km',))
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from ..io.normalize import language_name
from ..needs.situations import situations
from .contact import CONTACT_TEXT, REACH_PHONE, REACH_REMOTE
from .context import (
    CODE_NAMES,
    INACTIVE,
    LANGUAGE,
    NO_REMOTE,
    OUT_OF_AREA,
    TOO_FAR,
    UNAFFORDABLE,
    WEAK_FIT,
)
from .factors.population import (
    ALL_OF,
    BROAD_SITUATIONS,
    COMMUNITIES,
    MATCHED_BROAD,
    MATCHED_UNNAMED,
    MISMATCH,
    OPEN_TO_ALL,
)
from .index import APPROX_CITY, APPROX_POSTAL_CODE

if TYPE_CHECKING:
    from .index import DirectoryIndex

__all__ = [
    "CAPACITY_TEXT",
    "cost_text",
    "distance_text",
    "exclusion_reasons",
    "language_text",
    "need_fit_text",
    "population_text",
    "schedule_text",
]

CAPACITY_TEXT = (
    "accepting new clients",
    "capacity unknown",
    "waitlist",
    "not accepting new clients",
)
"""Capacity text by capacity code (accepting, unknown, waitlist, full)."""

_EVIDENCE_TEXT = {  # by the evidence codes of factors.relevance.EVIDENCE
    1: "its taxonomy code",
    2: "its taxonomy terms",
    3: "its name",
    4: "its keywords",
    5: "its description only",
}


def need_fit_text(label: str, value: float, evidence: int) -> str:
    """How well a service fits the need, and what said so."""
    source = _EVIDENCE_TEXT.get(evidence)
    where = f", from {source}" if source else ""
    return f"fits {label} (relevance {value:.2f}{where})"


def distance_text(
    virtual: bool,
    distance_km: float,
    approx: int,
    *,
    contact: int = REACH_REMOTE,
    hours: str | None = None,
    unresolved: bool = False,
    in_area: bool = False,
) -> str:
    """Distance in km, or how the service is reached (``contact``: a mode of :mod:`.contact`;
    ``hours`` the schedule text, so a 24-hour line says so); approximate positions are said so,
    and that the service's own area covers the client (``in_area``), and a client place that
    could not be resolved (``unresolved``) too.

    >>> distance_text(True, float("nan"), 0, contact=REACH_PHONE, hours="24 hours, 7 days")
    'reached by phone: 24-hour line'
    >>> distance_text(False, float("nan"), 0, unresolved=True)
    "distance unknown (the client's location could not be resolved)"
    """
    if virtual:
        if contact == REACH_PHONE:
            line = "24-hour line" if hours and hours.startswith("24 hours") else "phone or text line"
            return f"{CONTACT_TEXT[REACH_PHONE]}: {line}"
        return CONTACT_TEXT[contact]
    if np.isnan(distance_km):
        if unresolved:
            return "distance unknown (the client's location could not be resolved)"
        return "distance unknown"
    if approx in (APPROX_POSTAL_CODE, APPROX_CITY):
        where = "ZIP" if approx == APPROX_POSTAL_CODE else "city"
        area = "; it serves the client's area" if in_area else ""
        return f"about {distance_km:.0f} km ({where} centroid; the service has no map point{area})"
    return f"{distance_km:.1f} km away"


def cost_text(index: DirectoryIndex, s: int, value: float) -> str:
    """What the client would pay, as far as the record says."""
    if index.s_free[s]:
        return "free"
    if value >= 0.9:
        return "accepts the client's insurance"
    if index.s_sliding[s]:
        return "sliding scale"
    if index.s_private_pay[s]:
        return "private pay at market rates"
    return "fees apply" if index.s_fee_known[s] else "cost not stated (unknown)"


def schedule_text(
    index: DirectoryIndex,
    s: int,
    value: float,
    has_windows: bool,
    *,
    open_now: bool | None = None,
    next_open: datetime | None = None,
    judged_at: bool = False,
) -> str:
    """Opening hours, how much of the client's available time they cover, and, at a moment of
    referral (``judged_at``), whether the service is open then or when it opens ("opens Thu
    09:00")."""
    hours = index.schedule_text[s]
    if not index.s_has_schedule[s]:
        return "hours unknown"
    text = str(hours)
    if has_windows:
        text = f"{hours}; open during {value:.0%} of the client's available hours"
    if judged_at and open_now is not None:
        if open_now:
            text += "; open now"
        elif next_open is not None:
            text += f"; closed now, opens {next_open:%a %H:%M}"
        else:
            text += "; closed now and not open in the next 14 days"
    return text


def language_text(
    index: DirectoryIndex, s: int, value: float, languages: frozenset[str], lang_mask: int
) -> str:
    """Which client language the service speaks, or why the language factor is what it is."""
    if not languages:
        return "client languages not given"
    if value >= 1.0:
        shared = sorted(
            c
            for c in languages
            if lang_mask and index.s_lang[s] & np.uint64(1 << index.languages.get(c, 0))
        )
        if not shared and index.s_teaches_english[s]:
            return "teaches English to speakers of other languages"
        names = ", ".join(language_name(c) for c in shared) or "a client language"
        return f"{names} spoken"
    if value >= 0.7:
        return "interpretation available"
    if value > 0:
        return "languages not listed (unknown)"
    return "no shared language listed"


@cache
def _population_labels() -> dict[str, str]:
    labels = {s.key: s.label.lower() for s in situations()}
    labels.update(women="women", men="men", condition="people with a specific condition or loss")
    labels.update({k: label for k, (label, _, _) in COMMUNITIES.items()})
    return labels


def population_text(
    targets: frozenset[str], has: frozenset[str], value: float, required: frozenset[str] = frozenset()
) -> str:
    """Whom the service is aimed at, and whether the client is among them; ``required`` as in
    :func:`~.factors.population.required_populations`."""
    labels = _population_labels()
    if required and not targets & required:
        names = " or ".join(labels[k] for k in sorted(required))
        return f"not aimed at {names}: a minor on their own needs a place that takes minors (unknown)"
    open_to_all = OPEN_TO_ALL in targets
    all_of = ALL_OF in targets
    targets = targets - {OPEN_TO_ALL, ALL_OF}
    if not targets:
        return "open to the general public (no particular population)"
    if open_to_all and value <= 0.5:
        names = ", ".join(labels[k] for k in sorted(targets))
        return f"open to anyone (some programmes aimed at {names})"
    shared = sorted(targets & has)
    if value >= MATCHED_UNNAMED and shared:
        return "aimed at " + ", ".join(labels[k] for k in shared) + ": matches the client"
    if value == MATCHED_BROAD and shared:
        said = "as most services do" if set(shared) <= BROAD_SITUATIONS else "by age alone"
        return "aimed at " + ", ".join(labels[k] for k in shared) + f": matches the client ({said})"
    if shared and targets <= {"women", "men"} and value > MISMATCH:
        return "aimed at " + ", ".join(labels[k] for k in shared) + ": matches the client (gender alone is no boost)"
    names = ", ".join(labels[k] for k in sorted(targets))
    if all_of and shared and value > MISMATCH:
        return f"aimed at people who are all of {names}: the client is known to be only some"
    if value <= MISMATCH:
        return f"aimed at {names}: the client is not in this population"
    return f"aimed at {names}: the client is not known to belong (unknown)"


def exclusion_reasons(
    codes: int,
    *,
    distance_km: float,
    max_km: float,
    need_label: str,
    fit: float,
    min_fit: float,
    unmet: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(codes, reasons) of an exclusion; ``unmet`` holds the unmet rule kinds and reasons."""
    names: list[str] = []
    reasons: list[str] = []
    if codes & INACTIVE:
        names.append(CODE_NAMES[INACTIVE])
        reasons.append("service is not active")
    names.extend(unmet[0])
    reasons.extend(unmet[1])
    for flag, reason in (
        (TOO_FAR, f"nearest site {distance_km:.1f} km away, beyond {max_km:g} km"),
        (OUT_OF_AREA, "service area does not cover the client's location"),
        (NO_REMOTE, "video/online-only service, and the client does not accept telehealth"),
        (LANGUAGE, "no shared language and no interpretation"),
        (UNAFFORDABLE, "private pay at market rates, unaffordable on the client's low income"),
        (WEAK_FIT, f"weak fit: mentions {need_label} but is not mainly about it "
                   f"(relevance {fit:.2f} < {min_fit:g})"),
    ):  # fmt: skip
        if codes & flag:
            names.append(CODE_NAMES[flag])
            reasons.append(reason)
    return tuple(names), tuple(reasons)

