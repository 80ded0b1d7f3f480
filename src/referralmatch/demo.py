"""The sample script: fictional clients matched against the bundled Sacramento County directory.

``referralmatch demo`` runs :func:`run`. Every client here is invented; the ZIP codes are real.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from typing import TextIO

from .io.loader import load_directory
from .matching.matcher import Matcher
from .models.client import AvailabilityWindow, ClientProfile, Place
from .models.need import Need
from .samples import sample_directory_path
from .screening import ahc_hrsn, needs_from_screenings, phq9

__all__ = ["demo_clients", "run"]

DEMO_TIME = datetime(2026, 3, 3, 10, 0)
"""A fixed Tuesday morning, so the demo prints the same referrals every day."""


def demo_clients() -> list[tuple[str, ClientProfile]]:
    """The demo's fictional clients, each with a one-line description."""
    veteran = ClientProfile(
        id="demo-veteran",
        age=52,
        gender="male",
        household_size=1,
        annual_income=9_000,
        veteran=True,
        insurance=["medicaid"],
        languages=["en"],
        location=Place(postal_code="95811"),
        max_travel_km=15,
        situations=["homeless", "veteran"],
        needs=[Need("housing", priority=1, urgency="urgent"), Need("therapy", priority=2)],
    )
    mother = ClientProfile(
        id="demo-mother",
        age=23,
        gender="female",
        household_size=2,
        dependents_ages=[1],
        annual_income=14_500,
        insurance=["medicaid"],
        languages=["en"],
        location=Place(postal_code="95823"),
        max_travel_km=20,
        availability=[AvailabilityWindow(weekday=d, start=time(9), end=time(14)) for d in range(5)],
        situations=["parenting", "low_income"],
        needs=[
            Need("employment", priority=1),
            Need("support_groups", priority=2),
            Need("child_care", priority=3),
        ],
    )
    elder = ClientProfile(
        id="demo-elder",
        age=71,
        gender="female",
        household_size=1,
        annual_income=13_000,
        insurance=["medicare", "medicaid"],
        languages=["es"],
        situations=["senior", "low_income"],
        location=Place(postal_code="95815"),
        max_travel_km=10,
        telehealth_ok=False,
        needs=[Need("food", priority=1), Need("consejería en español para la depresión")],
    )
    screening = [
        ahc_hrsn(
            {
                "living_situation": "I do not have a steady place to live",
                "food_worry": "Often true",
                "food_didnt_last": "Sometimes true",
                "transportation": "Yes",
                "utilities": "No",
                "housing_problems": ["None of the above"],
                "safety_hurt": 1,
                "safety_insult": 1,
                "safety_threaten": 1,
                "safety_scream": 1,
            }
        ),
        phq9({f"item{i}": a for i, a in enumerate([2, 2, 1, 2, 1, 1, 1, 1, 0], start=1)}),
    ]
    screened = ClientProfile(
        id="demo-screened",
        age=38,
        gender="nonbinary",
        household_size=1,
        annual_income=21_000,
        insurance=["uninsured"],
        languages=["en"],
        location=Place(postal_code="95814"),
        max_travel_km=12,
        needs=needs_from_screenings(*screening),
    )
    return [
        ("Veteran, 52, no steady housing, needs housing and counselling", veteran),
        ("Young mother, 23, one toddler, needs work, a support group and child care", mother),
        ("Spanish-speaking woman, 71, no telehealth, needs food and counselling", elder),
        ("Adult, 38, needs from an AHC HRSN screening and a PHQ-9", screened),
    ]


def run(out: TextIO, *, limit: int = 3) -> int:
    """Print each demo client's ranked referrals with reasons, and exclusions by reason."""
    directory = load_directory(sample_directory_path())
    matcher = Matcher(directory)
    out.write(f"Directory: {len(directory.services)} services (bundled sample, fictional)\n")
    for description, client in demo_clients():
        result = matcher.match(client, limit=limit, at=DEMO_TIME)
        out.write("\n" + "=" * 78 + f"\n{description}\n" + "=" * 78 + "\n")
        out.write(result.explain() + "\n")
        counts = Counter(code for e in result.excluded for code in e.codes)
        if counts:
            parts = ", ".join(f"{code} {n}" for code, n in counts.most_common())
            out.write(f"\nExcluded {len(result.excluded)} services that fit a need: {parts}\n")
    return 0
