"""Seeded synthetic directories for tests and benchmarks: realistic mixes, any size.

Services are spread over a few real metro areas and the rural land between them, with a mix of
need categories, eligibility phrasings, schedules, languages, fees and capacity like the bundled
sample's. The same seed always gives the same directory.

Example:
    >>> d = synthetic_directory(50, seed=1)
    >>> len(d.services), d == synthetic_directory(50, seed=1)
    (50, True)
"""

from __future__ import annotations

from datetime import time

import numpy as np
import pandas as pd

from .directory import Directory
from .models.directory import (
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

__all__ = ["METROS", "synthetic_caseload", "synthetic_directory"]

METROS: tuple[tuple[str, str, float, float, float], ...] = (
    ("Sacramento", "Sacramento County", 38.5816, -121.4944, 0.35),
    ("Fresno", "Fresno County", 36.7378, -119.7871, 0.2),
    ("Oakland", "Alameda County", 37.8044, -122.2712, 0.25),
    ("Stockton", "San Joaquin County", 37.9577, -121.2908, 0.15),
    ("Redding", "Shasta County", 40.5865, -122.3917, 0.05),
)
"""(city, county, latitude, longitude, share of services) of the metros services cluster in."""

# (category-ish term name, Open Eligibility-style term, service name templates)
_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "emergency_shelter",
        "Emergency Shelter",
        ("Emergency Shelter", "Family Shelter", "Night Shelter"),
    ),
    (
        "rental_assistance",
        "Help Pay for Housing",
        ("Rental Assistance", "Eviction Prevention Fund"),
    ),
    ("transitional_housing", "Transitional Housing", ("Transitional Housing Program",)),
    ("supportive_housing", "Supportive Housing", ("Permanent Supportive Housing",)),
    ("housing_search", "Help Find Housing", ("Housing Navigation", "Housing Search Assistance")),
    ("job_training", "Skills & Training", ("Job Training Program", "Vocational Training")),
    ("job_placement", "Help Find Work", ("Job Placement Services", "Employment Center")),
    ("supported_employment", "Supported Employment", ("Supported Employment (IPS)",)),
    ("individual_therapy", "Counseling", ("Individual Counseling", "Outpatient Therapy")),
    ("family_therapy", "Family Counseling", ("Family Therapy",)),
    ("psychiatry", "Psychiatric Medication Services", ("Psychiatric Services",)),
    ("peer_recovery", "Peer Support", ("Peer Recovery Group", "Recovery Support Group")),
    ("grief_support", "Bereavement", ("Grief Support Group",)),
    ("family_support_group", "Support Network", ("Family Support Group for Mental Illness",)),
    ("youth_support_group", "Support Network", ("Youth Support Group",)),
    ("food", "Food Pantry", ("Food Pantry", "Community Meals", "Free Groceries")),
    (
        "substance_use_treatment",
        "Substance Abuse Treatment",
        ("Outpatient Substance Use Treatment", "Detox Program"),
    ),
    ("crisis", "Crisis Intervention", ("24-Hour Crisis Line", "Mobile Crisis Team")),
    ("transportation", "Transportation", ("Medical Transportation", "Bus Pass Program")),
    ("utilities", "Help Pay for Utilities", ("Utility Bill Assistance",)),
    ("legal", "Legal Aid", ("Legal Aid Clinic",)),
    ("domestic_violence", "Domestic Violence Shelter", ("Domestic Violence Services",)),
    ("child_care", "Childcare", ("Child Care Center",)),
    ("benefits_enrollment", "Benefits Counseling", ("Benefits Enrollment Help",)),
)
_KIND_WEIGHTS = np.array(
    [6, 4, 2, 2, 3, 3, 3, 1, 5, 2, 2, 3, 1, 1, 1, 6, 3, 2, 2, 2, 2, 2, 2, 2], float
)

_ELIGIBILITY = (
    None,
    None,
    "None",
    "Age 18 or over",
    "Ages 16-24",
    "Seniors 60+",
    "Youth ages 12-17",
    "Women and children only",
    "Men only",
    "Income below 200% FPL",
    "Veterans only",
    "Families with children under 18",
    "Must be sober 30 days",
    "Low-income county resident",
    "Open to all",
    "Varies according to program",
    "Medi-Cal accepted",
    "Pregnant or parenting women",
    "Persons of Hispanic or Latino origin",
)
_LANGS = ("en", "es", "vi", "zh", "ru", "tl", "hmn", "pa", "ar", "fa")
_LANG_P = np.array([0, 0.45, 0.08, 0.08, 0.05, 0.06, 0.04, 0.04, 0.05, 0.05])
_SCHEDULES: tuple[tuple[str, time, time], ...] = (
    ("MO,TU,WE,TH,FR", time(9), time(17)),
    ("MO,TU,WE,TH,FR", time(8), time(20)),
    ("TU,TH", time(17, 30), time(20, 30)),
    ("SA,SU", time(10), time(16)),
    ("MO,TU,WE,TH,FR,SA,SU", time(0), time(23, 59)),
    ("MO,TU,WE,TH,FR,SA,SU", time(19), time(7)),
)
_FEES = (
    "Free",
    "Sliding scale fees based on income",
    "Medi-Cal and Medicare accepted",
    "$25 per visit; private insurance accepted",
    None,
)
_WAIT = (
    "Accepting new clients",
    "Waitlist: about 3 weeks",
    None,
    None,
    "Not accepting new clients",
)


def synthetic_directory(
    n_services: int, *, seed: int = 0, virtual_share: float = 0.05
) -> Directory:
    """A Directory of ``n_services`` services at as many locations (one per service), seeded."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(_KINDS), size=n_services, p=_KIND_WEIGHTS / _KIND_WEIGHTS.sum())
    metro_p = np.array([m[4] for m in METROS])
    metro = rng.choice(len(METROS) + 1, size=n_services, p=np.append(metro_p * 0.9, 0.1))
    radius_km = rng.gamma(2.0, 6.0, size=n_services)
    bearing = rng.uniform(0, 2 * np.pi, size=n_services)
    virtual = rng.random(n_services) < virtual_share
    elig = rng.integers(0, len(_ELIGIBILITY), size=n_services)
    sched = rng.integers(-1, len(_SCHEDULES), size=n_services)
    fees = rng.integers(0, len(_FEES), size=n_services)
    waits = rng.integers(0, len(_WAIT), size=n_services)
    n_langs = rng.integers(0, 3, size=n_services)
    lang_p = _LANG_P / _LANG_P.sum()
    structured_age = rng.random(n_services) < 0.15
    inactive = rng.random(n_services) < 0.03

    terms = [
        TaxonomyTerm(id=f"t{i}", name=term, taxonomy="Open Eligibility")
        for i, (_, term, _) in enumerate(_KINDS)
    ]
    n_orgs = max(1, n_services // 4)
    orgs = [
        Organization(id=f"o{i}", name=f"Community Agency {i}", description="Synthetic organization")
        for i in range(n_orgs)
    ]
    services, locations, links = [], [], []
    for i in range(n_services):
        kind = int(kinds[i])
        _, _, templates = _KINDS[kind]
        name = templates[i % len(templates)]
        sid, lid = f"svc{i:07d}", f"loc{i:07d}"
        m = int(metro[i])
        if m < len(METROS):
            _, county, lat0, lon0, _ = METROS[m]
            dlat = radius_km[i] * np.cos(bearing[i]) / 111.2
            dlon = radius_km[i] * np.sin(bearing[i]) / (111.2 * np.cos(np.radians(lat0)))
            lat, lon = float(lat0 + dlat), float(lon0 + dlon)
        else:
            county = "California"
            lat, lon = float(rng.uniform(35.5, 40.5)), float(rng.uniform(-122.5, -119.0))
        languages = (
            {"en"}
            if n_langs[i] == 0
            else {str(x) for x in rng.choice(_LANGS, size=int(n_langs[i]), p=lang_p, replace=False)}
            | {"en"}
        )
        schedules = []
        if sched[i] >= 0:
            byday, opens, closes = _SCHEDULES[int(sched[i])]
            schedules.append(
                Schedule(
                    id=f"sc{i:07d}",
                    service_id=sid,
                    freq="WEEKLY",
                    byday=byday,
                    opens_at=opens,
                    closes_at=closes,
                )
            )
        fee = _FEES[int(fees[i])]
        services.append(
            Service(
                id=sid,
                organization_id=f"o{i % n_orgs}",
                name=f"{name} {i}",
                status="inactive" if inactive[i] else "active",
                description=f"{name} for people in {county}.",
                eligibility_description=_ELIGIBILITY[int(elig[i])],
                minimum_age=18.0 if structured_age[i] else None,
                fees_description=fee,
                wait_time=_WAIT[int(waits[i])],
                cost_options=[
                    CostOption(id=f"co{i:07d}", service_id=sid, option="Free", amount=0.0)
                ]
                if fee == "Free"
                else [],
                languages=[
                    Language(id=f"lg{i:07d}-{c}", service_id=sid, code=c) for c in sorted(languages)
                ],
                schedules=schedules,
                service_areas=[ServiceArea(id=f"sa{i:07d}", service_id=sid, name=county)],
                attributes=[
                    Attribute(
                        id=f"at{i:07d}",
                        link_id=sid,
                        link_type="service",
                        taxonomy_term_id=f"t{kind}",
                    )
                ],
            )
        )
        if virtual[i]:
            locations.append(Location(id=lid, location_type="virtual", name="Online"))
        else:
            locations.append(Location(id=lid, name=f"Site {i}", latitude=lat, longitude=lon))
        links.append(ServiceAtLocation(id=f"sal{i:07d}", service_id=sid, location_id=lid))
    return Directory(
        organizations=orgs,
        services=services,
        locations=locations,
        service_at_locations=links,
        taxonomy_terms=terms,
    )


_CASELOAD_ZIPS = ("95814", "95823", "95608", "95670", "93721", "93710", "94612", "94601", "95202",
                  "95207", "96001", "95616", "95826", "95838")  # fmt: skip
_CASELOAD_NEEDS = ("housing", "emergency_shelter", "rental_assistance", "food", "therapy", "employment",
                   "job_training", "support_groups", "peer_recovery", "substance_use_treatment",
                   "legal", "utilities", "transportation", "child_care", "crisis")  # fmt: skip
_NEED_P = np.array([8, 4, 4, 8, 8, 6, 3, 4, 2, 3, 2, 2, 2, 1, 1], float)


def synthetic_caseload(
    n_clients: int, *, seed: int = 0, needs_per_client: tuple[int, int] = (1, 4)
) -> pd.DataFrame:
    """A raw caseload table (one row per client, ``needs`` as "a;b") in the bundled CSV's layout.

    >>> frame = synthetic_caseload(3, seed=1)
    >>> list(frame.columns)[:4], len(frame)
    (['client_id', 'age', 'gender', 'household_size'], 3)
    """
    rng = np.random.default_rng(seed)
    p = _NEED_P / _NEED_P.sum()
    rows = []
    for i in range(n_clients):
        k = int(rng.integers(needs_per_client[0], needs_per_client[1] + 1))
        needs = rng.choice(_CASELOAD_NEEDS, size=k, replace=False, p=p)
        rows.append({
            "client_id": f"C{i:07d}",
            "age": int(rng.integers(16, 85)),
            "gender": str(rng.choice(["female", "male", "nonbinary", ""], p=[0.48, 0.45, 0.03, 0.04])),
            "household_size": int(rng.integers(1, 6)),
            "annual_income": "" if rng.random() < 0.1 else int(rng.gamma(2.0, 9_000)),
            "veteran": str(rng.choice(["true", "false", ""], p=[0.08, 0.8, 0.12])),
            "insurance": str(rng.choice(["medicaid", "medicare", "private", "uninsured", ""])),
            "languages": str(rng.choice(["en", "es", "en;es", "vi", "zh", "ru"], p=[0.6, 0.2, 0.1, 0.04, 0.04, 0.02])),
            "postal_code": str(rng.choice(_CASELOAD_ZIPS)),
            "max_travel_km": "" if rng.random() < 0.5 else int(rng.integers(5, 40)),
            "needs": ";".join(str(n) for n in needs),
        })  # fmt: skip
    return pd.DataFrame(rows)
