"""Access: language, cost, capacity and schedule factors, vectorised, with scalar twins.

Each ``*_factor`` kernel takes arrays over candidate units; the ``*_one`` twin computes the same
value for one service with plain Python, readable as the definition. Tests check they agree.
Unknown is not zero: a service that lists no language, states no fee, or gives no capacity or
hours gets a middle value, and only a known mismatch scores low.

Example:
    >>> language_one(frozenset({"es"}), False, frozenset({"es"}), listed=True)
    1.0
    >>> language_one(frozenset(), False, frozenset({"es"}), listed=False)
    0.4
    >>> cost_one(False, False, False, frozenset(), frozenset())
    0.5
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ...eligibility.poverty import (
    DEFAULT_YEAR,
    LOW_INCOME_PERCENT_FPL,
    percent_of_poverty,
    region_for_state,
)
from ...models.client import ClientProfile
from ..context import BoolArray, FloatArray
from ..facts import Capacity

__all__ = [
    "CAPACITY_CODES",
    "CAPACITY_SCORES",
    "LANGUAGE_NOT_LISTED",
    "LOW_INCOME_PERCENT_FPL",
    "SOON_FLOOR",
    "SOON_HALF_LIFE_H",
    "capacity_one",
    "cost_factor",
    "cost_one",
    "language_factor",
    "language_one",
    "low_income_client",
    "schedule_factor",
    "soon_factor",
    "soon_one",
]

SOON_HALF_LIFE_H = 24.0
"""Hours of waiting that halve the schedule factor's distance above :data:`SOON_FLOOR`."""
SOON_FLOOR = 0.25
"""Schedule factor share kept by a service that opens, however late."""

CAPACITY_CODES: dict[Capacity, int] = {"accepting": 0, "unknown": 1, "waitlist": 2, "full": 3}
CAPACITY_SCORES = np.array([1.0, 0.7, 0.4, 0.1])
"""Capacity factor by code: accepting, unknown, waitlist, full."""

LANGUAGE_NOT_LISTED = 0.4
"""Language factor of a service that lists no language, for a client who does not speak the
directory's default language: unknown, not a known mismatch."""


def language_one(
    service_languages: frozenset[str],
    interpretation: bool,
    client_languages: frozenset[str],
    *,
    listed: bool,
    default_language: str = "en",
    related: frozenset[str] = frozenset(),
    teaches_english: bool = False,
) -> float:
    """Language factor: 1 if the service speaks a client language, 0.7 if it offers
    interpretation or speaks a ``related`` language (one ISO 639 macrolanguage of the client's:
    "Chinese" for a Cantonese speaker); a service without a full list of languages (``listed``
    False: none given, or only those a note names) is taken to work in ``default_language`` and
    those, and otherwise scores :data:`LANGUAGE_NOT_LISTED` (unknown); 0 only when it lists
    languages and none is the client's; 1 when the client gave none, or when the service teaches
    English to speakers of other languages (ESL classes are made for clients who do not speak it)."""
    if not client_languages or teaches_english:
        return 1.0
    spoken = service_languages if listed else service_languages | {default_language}
    if spoken & client_languages:
        return 1.0
    if interpretation or spoken & related:
        return 0.7
    return 0.0 if listed else LANGUAGE_NOT_LISTED


def language_factor(
    service_masks: npt.NDArray[np.uint64],
    interpretation: BoolArray,
    listed: BoolArray,
    client_mask: int,
    client_has_languages: bool,
    related_mask: int = 0,
    teaches_english: BoolArray | None = None,
) -> FloatArray:
    """Vectorised :func:`language_one` over language bit masks (the index assigns the bits; a
    service listing no language has the default language's bit set and ``listed`` False).
    ``client_mask`` is 0 when no service lists any of the client's languages;
    ``client_has_languages`` says whether the client gave any; ``related_mask`` holds the bits
    of languages related to the client's and ``teaches_english`` marks ESL services (see
    :func:`language_one`)."""
    if not client_has_languages:
        return np.ones(len(service_masks))
    spoken = (service_masks & np.uint64(client_mask)) != 0
    if teaches_english is not None:
        spoken = spoken | teaches_english
    related = interpretation | ((service_masks & np.uint64(related_mask)) != 0)
    unknown = np.where(listed, 0.0, LANGUAGE_NOT_LISTED)
    return np.where(spoken, 1.0, np.where(related, 0.7, unknown))


def low_income_client(client: ClientProfile, year: int = DEFAULT_YEAR) -> bool:
    """Whether the client is low-income: ``low_income`` among the situations, or a stated annual
    income at or under :data:`LOW_INCOME_PERCENT_FPL` of the poverty guideline for the household
    (size 1 when not given).

    >>> low_income_client(ClientProfile(annual_income=13500)), low_income_client(ClientProfile())
    (True, False)
    >>> low_income_client(ClientProfile(annual_income=60000, household_size=2))
    False
    """
    if "low_income" in (client.situations or ()):
        return True
    if client.annual_income is None:
        return False
    size = client.household_size or 1
    percent = percent_of_poverty(client.annual_income, size, year, region_for_state(client.state))
    return percent <= LOW_INCOME_PERCENT_FPL


def cost_one(
    free: bool,
    sliding: bool,
    fee_known: bool,
    insurance: frozenset[str],
    client_insurance: frozenset[str],
) -> float:
    """Cost factor: free 1.0; accepts the client's insurance 0.9; sliding scale 0.8; fees unknown
    0.5; otherwise 0.3 (market-rate private pay among them: a low-income client never sees it,
    the filters exclude it as unaffordable)."""
    if free:
        return 1.0
    if insurance & client_insurance:
        return 0.9
    if sliding:
        return 0.8
    return 0.3 if fee_known else 0.5


def cost_factor(
    free: BoolArray,
    sliding: BoolArray,
    fee_known: BoolArray,
    insurance_bits: npt.NDArray[np.uint8],
    client_bits: int,
) -> FloatArray:
    """Vectorised :func:`cost_one` over insurance bit masks."""
    accepted = (insurance_bits & np.uint8(client_bits)) != 0
    out = np.where(fee_known, 0.3, 0.5)
    out = np.where(sliding, 0.8, out)
    out = np.where(accepted, 0.9, out)
    return np.where(free, 1.0, out)


def capacity_one(capacity: Capacity) -> float:
    """Capacity factor: accepting 1.0, unknown 0.7, waitlist 0.4, full 0.1."""
    return float(CAPACITY_SCORES[CAPACITY_CODES[capacity]])


def soon_one(wait_hours: float | None) -> float:
    """How soon a service opens after the moment of referral, as a share (0-1) of its schedule
    factor: 1 when open then, ``SOON_FLOOR + (1 - SOON_FLOOR) * 2 ** (-wait / 24)`` after a
    wait of ``wait`` hours (0.78 at 12 h, 0.63 at a day, 0.44 at two days, 0.26 at a week), 0
    when it will not open again (``inf``: past its ``valid_to``), 1 when its hours are unknown
    or no moment is given (None or NaN: the unknown-hours value applies instead).

    >>> [round(soon_one(w), 2) for w in (0.0, 12.0, 24.0, 48.0, 168.0, float("inf"))]
    [1.0, 0.78, 0.62, 0.44, 0.26, 0.0]
    """
    if wait_hours is None or math.isnan(wait_hours):
        return 1.0
    if math.isinf(wait_hours):
        return 0.0
    return float(SOON_FLOOR + (1.0 - SOON_FLOOR) * 2.0 ** (-max(wait_hours, 0.0) / SOON_HALF_LIFE_H))


def soon_factor(wait_hours: FloatArray) -> FloatArray:
    """Vectorised :func:`soon_one`."""
    with np.errstate(invalid="ignore"):
        out = SOON_FLOOR + (1.0 - SOON_FLOOR) * np.exp2(-np.maximum(wait_hours, 0.0) / SOON_HALF_LIFE_H)
    out = np.where(np.isinf(wait_hours), 0.0, out)
    return np.where(np.isnan(wait_hours), 1.0, out)


def schedule_factor(
    words: npt.NDArray[np.uint64],
    has: BoolArray,
    avail: npt.NDArray[np.uint64] | None,
    wait_hours: FloatArray | None = None,
) -> FloatArray:
    """Share of the client's available hours the service is open, from packed week words (three
    uint64 per service); 1 without client windows; 0.5 when the service's hours are unknown;
    times :func:`soon_factor` of ``wait_hours`` (hours from the moment of referral until it
    opens) when a moment is given."""
    if avail is None or (wanted := int(sum(int(w).bit_count() for w in avail))) == 0:
        base = np.where(has, 1.0, 0.5)
    else:
        overlap = np.bitwise_count(words & avail[None, :]).sum(axis=1)
        base = np.where(has, overlap / wanted, 0.5)
    if wait_hours is None:
        return base
    return base * soon_factor(wait_hours)
